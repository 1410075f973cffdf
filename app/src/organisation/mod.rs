//! Organisation (kommun/region): the owner of every satsning, nämnd and user.
//!
//! A shared installation serves several municipalities or a whole region. Each of them is an
//! organisation, and every query for domain data is scoped by the organisation of the user
//! asking, so nobody sees another organisation's data unless it is deliberately shared.

#[cfg(feature = "ssr")]
pub mod repo;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

/// Organisationstyp: a kommun or a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrganisationKind {
    /// Kommun.
    Municipality,
    /// Region.
    Region,
}

impl OrganisationKind {
    /// The value stored in the database.
    pub fn as_db(self) -> &'static str {
        match self {
            OrganisationKind::Municipality => "kommun",
            OrganisationKind::Region => "region",
        }
    }

    /// Parses the stored value.
    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "kommun" => Some(OrganisationKind::Municipality),
            "region" => Some(OrganisationKind::Region),
            _ => None,
        }
    }

    /// Swedish label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Municipality => "Kommun",
            OrganisationKind::Region => "Region",
        }
    }
}

/// Organisation: a kommun or region owning data in this installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    /// Kommunkod or regionkod (SCB), e.g. "1880" for Örebro.
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
}

/// A validated new organisation (or new values for an existing one).
/// The user's organisation's `data_version` as read together with their session, at the start
/// of the request (in the request's extensions). Bumped by database triggers whenever
/// something the portfolio shows changes (migration 0013), so it tells whether kept
/// computations are still right without another query.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataVersion(pub i64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationInput {
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
}

/// Longest organisation name accepted; real names are far shorter.
pub const MAX_NAME_CHARS: usize = 120;

impl OrganisationInput {
    /// Validates raw form values; on failure every bad field gets a Swedish message.
    pub fn parse(code: &str, name: &str, kind: &str) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let code = code.trim();
        if !(code.len() == 2 || code.len() == 4) || !code.chars().all(|c| c.is_ascii_digit()) {
            errors.push(FieldError {
                field: "kod".into(),
                message:
                    "Ange kommunkoden med fyra siffror (t.ex. 1880) eller regionkoden med två."
                        .into(),
            });
        }
        let name = name.trim();
        if name.is_empty() {
            errors.push(FieldError {
                field: "namn".into(),
                message: "Ange organisationens namn.".into(),
            });
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.push(FieldError {
                field: "namn".into(),
                message: format!("Namnet får vara högst {MAX_NAME_CHARS} tecken."),
            });
        }
        let kind = OrganisationKind::from_db(kind);
        if kind.is_none() {
            errors.push(FieldError {
                field: "typ".into(),
                message: "Välj kommun eller region.".into(),
            });
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(Self {
                code: code.to_string(),
                name: name.to_string(),
                kind,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_municipality_parses_trimmed() {
        let input = OrganisationInput::parse(" 1880 ", " Örebro kommun ", "kommun").unwrap();
        assert_eq!(input.code, "1880");
        assert_eq!(input.name, "Örebro kommun");
        assert_eq!(input.kind, OrganisationKind::Municipality);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let error = OrganisationInput::parse("18a", "", "företag").unwrap_err();
        assert!(error.message_for("kod").is_some());
        assert_eq!(
            error.message_for("namn"),
            Some("Ange organisationens namn.")
        );
        assert!(error.message_for("typ").is_some());
    }

    #[test]
    fn overlong_name_is_rejected() {
        let name = "Å".repeat(MAX_NAME_CHARS + 1);
        let error = OrganisationInput::parse("1880", &name, "kommun").unwrap_err();
        assert!(error.message_for("namn").unwrap().contains("högst"));
    }
}
