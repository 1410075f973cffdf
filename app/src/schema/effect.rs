//! The ekonomisk effekt form: one struct for "Ny ekonomisk effekt" and "Ändra", and its
//! validation. The server functions take it as their argument `effect`, so the HTML names are
//! `effect[text]` and so on, and so are the fields of its errors.

use serde::{Deserialize, Serialize};

use super::Horizon;
use crate::error::{AppError, FieldError};
use crate::party::Party;

/// The form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectForm {
    /// Effekt, e.g. "Minskat försörjningsstöd".
    pub text: String,
    /// Sikt (`kort`, `lang`).
    pub horizon: String,
    /// Nämnd som gynnas (party id; empty for none).
    #[serde(default)]
    pub party: String,
    /// Kopplat effektmått (measure id; empty for none).
    #[serde(default)]
    pub effect_measure: String,
    /// Förväntat belopp per år, in kronor ("350 000"; empty counts as 0).
    pub yearly_sek: String,
}

/// A validated economic effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectInput {
    pub text: String,
    pub horizon: Horizon,
    pub party_id: Option<i64>,
    pub effect_measure_id: Option<i64>,
    pub yearly_sek: i64,
}

/// The HTML name of a field of the form.
pub fn field(name: &str) -> String {
    format!("effect[{name}]")
}

impl EffectForm {
    /// The form of a stored effect, for "Ändra".
    pub fn of(effect: &super::EconomicEffect) -> EffectForm {
        EffectForm {
            text: effect.text.clone(),
            horizon: effect.horizon.as_db().into(),
            party: effect
                .party
                .as_ref()
                .map(|p| p.0.to_string())
                .unwrap_or_default(),
            effect_measure: effect
                .effect_measure_id
                .map(|m| m.to_string())
                .unwrap_or_default(),
            yearly_sek: effect.yearly_sek.to_string(),
        }
    }

    /// Checks every field at once against the organisation's `parties`; whether the linked
    /// effektmått is the satsning's own is the repository's check.
    pub fn validate(&self, parties: &[Party]) -> Result<EffectInput, AppError> {
        let mut errors = Vec::new();
        let mut problem = |name: &str, message: &str| {
            errors.push(FieldError {
                field: field(name),
                message: message.into(),
            })
        };
        let text = self.text.trim();
        if text.is_empty() {
            problem("text", "Skriv den ekonomiska effekten.");
        } else if text.chars().count() > super::MAX_LONG_CHARS {
            problem("text", "Texten får vara högst 4000 tecken.");
        }
        let horizon = Horizon::from_db(&self.horizon);
        if horizon.is_none() {
            problem("horizon", "Välj kort eller lång sikt.");
        }
        let amount = if self.yearly_sek.trim().is_empty() {
            Some(0)
        } else {
            crate::sv::number::parse_sek(&self.yearly_sek)
        };
        if amount.is_none() {
            problem(
                "yearly_sek",
                "Ange beloppet i hela kronor per år, till exempel 350 000.",
            );
        }
        let party_id = self.party.parse::<i64>().ok();
        if party_id.is_some_and(|id| !parties.iter().any(|p| p.id == id)) {
            problem("party", "Välj en av nämnderna i listan.");
        }
        match (horizon, amount) {
            (Some(horizon), Some(yearly_sek)) if errors.is_empty() => Ok(EffectInput {
                text: text.to_string(),
                horizon,
                party_id,
                effect_measure_id: self.effect_measure.parse::<i64>().ok(),
                yearly_sek,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> EffectForm {
        EffectForm {
            text: " Färre placeringar ".into(),
            horizon: "lang".into(),
            party: String::new(),
            effect_measure: "7".into(),
            yearly_sek: "350 000".into(),
        }
    }

    fn fields(result: Result<EffectInput, AppError>) -> Vec<String> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_form_is_trimmed_and_parsed() {
        let input = form().validate(&[]).unwrap();
        assert_eq!(input.text, "Färre placeringar");
        assert_eq!(input.horizon, Horizon::Long);
        assert_eq!((input.party_id, input.effect_measure_id), (None, Some(7)));
        assert_eq!(input.yearly_sek, 350_000);
        let blank = EffectForm {
            yearly_sek: " ".into(),
            ..form()
        };
        assert_eq!(blank.validate(&[]).unwrap().yearly_sek, 0);
    }

    #[test]
    fn every_problem_is_named_by_its_nested_field() {
        let bad = EffectForm {
            text: String::new(),
            horizon: "sen".into(),
            party: "99".into(),
            effect_measure: String::new(),
            yearly_sek: "mycket".into(),
        };
        assert_eq!(
            fields(bad.validate(&[])),
            [
                "effect[text]",
                "effect[horizon]",
                "effect[yearly_sek]",
                "effect[party]"
            ]
        );
    }
}
