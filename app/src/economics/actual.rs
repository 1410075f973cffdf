//! Faktiska kostnader (pure): what a satsning actually spent, per year and cost type. They are
//! entered in the half-year report (`crate::halfyear`) and kept here, below the deviations, so
//! that the budget rule (`deviation::rules::budget`) and the calculation can read them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};
use crate::sv::number::parse_sek;

/// Kostnadstyper: (stored value, Swedish name), in the order forms and tables list them.
pub const COST_TYPES: [(&str, &str); 5] = [
    ("personal", "Personal"),
    ("lokaler", "Lokaler"),
    ("material", "Material och utrustning"),
    ("tjanster", "Köpta tjänster"),
    ("ovrigt", "Övrigt"),
];

/// The Swedish name of a stored cost type.
pub fn cost_type_label(value: &str) -> &'static str {
    COST_TYPES
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("Okänd kostnadstyp", |(_, label)| label)
}

/// Faktisk kostnad: what a satsning spent in one year on one cost type, in whole kronor.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ActualCost {
    pub year: i32,
    pub cost_type: String,
    pub amount_sek: i64,
}

/// Spent to date: every recorded cost, all years and types.
pub fn spent_to_date(costs: &[ActualCost]) -> i64 {
    costs.iter().map(|c| c.amount_sek).sum()
}

/// Per year: (year, spent that year), sorted.
pub fn per_year(costs: &[ActualCost]) -> Vec<(i32, i64)> {
    let mut years = BTreeMap::new();
    for c in costs {
        *years.entry(c.year).or_insert(0) += c.amount_sek;
    }
    years.into_iter().collect()
}

/// The form key of a year and cost type: `personal_2026` (a key must not start with a digit,
/// or the form decoding reads it as a list index).
pub fn cost_key(year: i32, cost_type: &str) -> String {
    format!("{cost_type}_{year}")
}

/// Kostnader (the half-year report's cost table), posted as `costs[amounts][personal_2026]`.
/// An empty field records nothing for that year and type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostsForm {
    /// Belopp per år och kostnadstyp (kronor).
    #[serde(default)]
    pub amounts: BTreeMap<String, String>,
}

impl CostsForm {
    /// The typed amounts as costs, for the `years` the form offers. A field of another year or
    /// an unknown type is refused (400); an amount that is not whole kronor is a field error.
    pub fn parse(&self, years: &[i32]) -> Result<Vec<ActualCost>, AppError> {
        let mut costs = Vec::new();
        let mut errors = Vec::new();
        for (key, raw) in &self.amounts {
            let known = key.rsplit_once('_').and_then(|(kind, year)| {
                let year: i32 = year.parse().ok()?;
                let kind = COST_TYPES.iter().find(|(v, _)| *v == kind)?.0;
                years.contains(&year).then_some((year, kind))
            });
            let Some((year, kind)) = known else {
                return Err(AppError::BadRequest(
                    "Okänt år eller okänd kostnadstyp i formuläret.".into(),
                ));
            };
            if raw.trim().is_empty() {
                continue;
            }
            match parse_sek(raw) {
                Some(amount_sek) if amount_sek <= 10_000_000_000 => costs.push(ActualCost {
                    year,
                    cost_type: kind.to_string(),
                    amount_sek,
                }),
                _ => errors.push(FieldError {
                    field: format!("costs[amounts][{key}]"),
                    message: format!(
                        "{}, {year}: ange ett belopp i hela kronor, till exempel 125 000.",
                        cost_type_label(kind)
                    ),
                }),
            }
        }
        if errors.is_empty() {
            costs.sort();
            Ok(costs)
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// The form filled with `costs` (what the page shows before anything is typed).
    pub fn of(costs: &[ActualCost]) -> Self {
        Self {
            amounts: costs
                .iter()
                .map(|c| {
                    (
                        cost_key(c.year, &c.cost_type),
                        crate::sv::number::format_sek(c.amount_sek)
                            .trim_end_matches("\u{a0}kr")
                            .replace('\u{a0}', " "),
                    )
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> CostsForm {
        CostsForm {
            amounts: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn amounts_are_read_the_swedish_way_and_empty_fields_record_nothing() {
        let costs = form(&[
            ("personal_2026", "1 250 000"),
            ("lokaler_2026", ""),
            ("ovrigt_2025", "12 500 kr"),
        ])
        .parse(&[2025, 2026])
        .unwrap();
        assert_eq!(
            costs,
            vec![
                ActualCost {
                    year: 2025,
                    cost_type: "ovrigt".into(),
                    amount_sek: 12_500
                },
                ActualCost {
                    year: 2026,
                    cost_type: "personal".into(),
                    amount_sek: 1_250_000
                },
            ]
        );
        assert_eq!(spent_to_date(&costs), 1_262_500);
        assert_eq!(per_year(&costs), vec![(2025, 12_500), (2026, 1_250_000)]);
    }

    #[test]
    fn a_bad_amount_names_its_field_and_a_foreign_key_is_refused() {
        let Err(AppError::Validation(errors)) =
            form(&[("personal_2026", "12,5 tkr")]).parse(&[2026])
        else {
            panic!("a field error");
        };
        assert_eq!(errors[0].field, "costs[amounts][personal_2026]");
        assert!(
            errors[0]
                .message
                .starts_with("Personal, 2026: ange ett belopp")
        );
        assert!(matches!(
            form(&[("personal_2031", "1")]).parse(&[2026]),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            form(&[("fika_2026", "1")]).parse(&[2026]),
            Err(AppError::BadRequest(_))
        ));
    }

    #[test]
    fn the_form_shows_stored_costs_as_typed() {
        let costs = vec![ActualCost {
            year: 2026,
            cost_type: "personal".into(),
            amount_sek: 1_250_000,
        }];
        let shown = CostsForm::of(&costs);
        assert_eq!(shown.parse(&[2026]).unwrap(), costs);
    }
}
