//! The satsning form (Registrera satsning, Ändra uppgifter) and its validation:
//! [`InitiativeForm`] as typed, [`InitiativeInput`] as stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{FollowUpYears, parse_budget_years, parse_sek, samverkan_problem};
use crate::error::{AppError, FieldError};
use crate::party::Party;

/// Longest name accepted.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free text accepted (description, målgrupp, ägare).
pub const MAX_TEXT_CHARS: usize = 4000;

/// Validated satsning details from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiativeInput {
    pub name: String,
    pub summary: String,
    pub target_group: String,
    pub owner_names: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub budget_sek: i64,
    /// Budget per år: (year, kronor), sorted.
    pub budget_years: Vec<(i64, i64)>,
    pub repayment: bool,
    pub follow_up_years: FollowUpYears,
    pub party_ids: Vec<i64>,
    pub lead_ids: Vec<i64>,
}

/// Satsningsformuläret: a satsning as typed, for a new one and for a change. Posted as the
/// server functions' argument `initiative`, so the HTML names are `initiative[name]`,
/// `initiative[parties][n4]` and so on, and so are the fields in its validation errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeForm {
    /// Namn.
    pub name: String,
    /// Kort beskrivning.
    pub summary: String,
    /// Målgrupp.
    pub target_group: String,
    /// Ägare (förvaltningschefer).
    pub owner_names: String,
    /// Startdatum.
    pub start: String,
    /// Slutdatum.
    pub end: String,
    /// Budget totalt (kronor).
    pub budget: String,
    /// Budget per år (valfritt): "ÅR: belopp" lines.
    #[serde(default)]
    pub budget_years: String,
    /// Återföringsmodellen tillämpas (kryssruta).
    #[serde(default, with = "crate::form::checkbox")]
    pub repayment: bool,
    /// Uppföljande utvärdering efter (1, 2 eller 3 år; tomt: 2).
    #[serde(default)]
    pub follow_up_years: String,
    /// Samverkande parter: the ticked ids, `initiative[parties][n<id>]`.
    #[serde(default, with = "crate::form::ticked_ids")]
    pub parties: Vec<i64>,
    /// Projektledare: the ticked user ids, `initiative[leads][n<id>]`.
    #[serde(default, with = "crate::form::ticked_ids")]
    pub leads: Vec<i64>,
}

impl InitiativeInput {
    /// Validates the form against the organisation's `parties`; every bad field gets a message.
    pub fn parse(form: &InitiativeForm, parties: &[Party]) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let mut error = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.into(),
                message,
            })
        };
        let name = form.name.trim();
        if name.is_empty() {
            error("initiative[name]", "Ange satsningens namn.".into());
        } else if name.chars().count() > MAX_NAME_CHARS {
            error(
                "initiative[name]",
                format!("Namnet får vara högst {MAX_NAME_CHARS} tecken."),
            );
        }
        for (field, value) in [
            ("initiative[summary]", &form.summary),
            ("initiative[target_group]", &form.target_group),
            ("initiative[owner_names]", &form.owner_names),
        ] {
            if value.chars().count() > MAX_TEXT_CHARS {
                error(
                    field,
                    format!("Texten får vara högst {MAX_TEXT_CHARS} tecken."),
                );
            }
        }
        let date = crate::sv::number::parse_date;
        let start = date(&form.start);
        let end = date(&form.end);
        if start.is_none() {
            error(
                "initiative[start]",
                "Ange startdatum som ÅÅÅÅ-MM-DD mellan 1990 och 2100, till exempel 2026-01-01."
                    .into(),
            );
        }
        if end.is_none() {
            error(
                "initiative[end]",
                "Ange slutdatum som ÅÅÅÅ-MM-DD mellan 1990 och 2100, till exempel 2028-12-31."
                    .into(),
            );
        }
        if let (Some(start), Some(end)) = (start, end)
            && end <= start
        {
            error(
                "initiative[end]",
                "Slutdatum måste vara efter startdatum.".into(),
            );
        }
        let budget = if form.budget.trim().is_empty() {
            Some(0)
        } else {
            parse_sek(&form.budget)
        };
        if budget.is_none() {
            error(
                "initiative[budget]",
                "Ange budgeten i hela kronor, till exempel 2 400 000.".into(),
            );
        }
        let mut party_ids = form.parties.clone();
        party_ids.sort_unstable();
        party_ids.dedup();
        let chosen: Vec<Party> = parties
            .iter()
            .filter(|p| party_ids.contains(&p.id))
            .cloned()
            .collect();
        if chosen.len() != party_ids.len() {
            error(
                "initiative[parties]",
                "En vald part finns inte. Ladda om sidan och välj igen.".into(),
            );
        } else if let Some(problem) = samverkan_problem(&chosen) {
            error("initiative[parties]", problem.into());
        }
        let follow_up_years = FollowUpYears::parse(&form.follow_up_years);
        if follow_up_years.is_none() {
            error(
                "initiative[follow_up_years]",
                "Välj 1, 2 eller 3 år efter slutdatum för den uppföljande utvärderingen.".into(),
            );
        }
        let mut budget_years = Vec::new();
        if let (Some(start), Some(end), Some(total)) = (start, end, budget)
            && end > start
        {
            match parse_budget_years(&form.budget_years, start, end, total) {
                Ok(years) => budget_years = years,
                Err(message) => errors.push(FieldError {
                    field: "initiative[budget_years]".into(),
                    message,
                }),
            }
        }
        match (start, end, budget) {
            (Some(start), Some(end), Some(budget_sek)) if errors.is_empty() => {
                let mut lead_ids = form.leads.clone();
                lead_ids.sort_unstable();
                lead_ids.dedup();
                Ok(Self {
                    name: name.to_string(),
                    summary: form.summary.trim().to_string(),
                    target_group: form.target_group.trim().to_string(),
                    owner_names: form.owner_names.trim().to_string(),
                    start,
                    end,
                    budget_sek,
                    budget_years,
                    repayment: form.repayment,
                    follow_up_years: follow_up_years.unwrap_or_default(),
                    party_ids,
                    lead_ids,
                })
            }
            _ => Err(AppError::Validation(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::party::PartyKind;

    fn party(id: i64, kind: PartyKind, area: Option<&str>) -> Party {
        Party {
            id,
            name: format!("Part {id}"),
            kind,
            area: area.map(String::from),
        }
    }

    #[test]
    fn form_errors_are_per_field_and_nothing_is_half_valid() {
        let parties = vec![
            party(1, PartyKind::Board, Some("Skola")),
            party(3, PartyKind::Civil, None),
        ];
        let form = InitiativeForm {
            name: "".into(),
            start: "2026-13-01".into(),
            end: "2026-01-01".into(),
            budget: "mycket".into(),
            parties: vec![1],
            ..Default::default()
        };
        let error = InitiativeInput::parse(&form, &parties).unwrap_err();
        for field in [
            "initiative[name]",
            "initiative[start]",
            "initiative[budget]",
            "initiative[parties]",
        ] {
            assert!(error.message_for(field).is_some(), "{field}");
        }
        let ok = InitiativeForm {
            name: " Skolfam ".into(),
            start: "2016-06-01".into(),
            end: "2019-06-30".into(),
            budget: "3 000 000".into(),
            parties: vec![3, 1, 1],
            ..Default::default()
        };
        let input = InitiativeInput::parse(&ok, &parties).unwrap();
        assert_eq!(input.name, "Skolfam");
        assert_eq!(input.party_ids, vec![1, 3]);
        assert_eq!(input.budget_sek, 3_000_000);
    }

    #[test]
    fn end_before_start_is_an_error_on_the_end_date() {
        let parties = vec![
            party(1, PartyKind::Board, Some("Skola")),
            party(3, PartyKind::Civil, None),
        ];
        let form = InitiativeForm {
            name: "X".into(),
            start: "2026-01-01".into(),
            end: "2025-01-01".into(),
            parties: vec![1, 3],
            ..Default::default()
        };
        let error = InitiativeInput::parse(&form, &parties).unwrap_err();
        assert_eq!(
            error.message_for("initiative[end]"),
            Some("Slutdatum måste vara efter startdatum.")
        );
    }
}
