//! Parter: the nämnder/förvaltningar, idéburna aktörer and kommunala bolag that run satsningar
//! together. Each belongs to one organisation.

pub mod api;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod ui;

use serde::{Deserialize, Serialize};

/// Typ av part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartyKind {
    /// Nämnd/förvaltning, with a verksamhetsområde.
    Board,
    /// Idéburen aktör: förening, stiftelse, kooperativ, välgörenhetsorganisation.
    Civil,
    /// Kommunalt bolag (majority-owned); may take part but does not count for the samverkan rule.
    Company,
}

impl PartyKind {
    pub fn as_db(self) -> &'static str {
        match self {
            PartyKind::Board => "namnd",
            PartyKind::Civil => "ideburen",
            PartyKind::Company => "bolag",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "namnd" => Some(PartyKind::Board),
            "ideburen" => Some(PartyKind::Civil),
            "bolag" => Some(PartyKind::Company),
            _ => None,
        }
    }

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            PartyKind::Board => "Nämnd/förvaltning",
            PartyKind::Civil => "Idéburen aktör",
            PartyKind::Company => "Kommunalt bolag",
        }
    }
}

/// Part: one party that can take part in satsningar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: i64,
    pub name: String,
    pub kind: PartyKind,
    /// Verksamhetsområde, for nämnder (e.g. "Skola", "Individ- och familjeomsorg").
    pub area: Option<String>,
}

/// A party as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredParty {
    pub party: Party,
    pub civil_type: Option<String>,
    /// Inactive parties are not offered for new satsningar but stay on existing ones.
    pub active: bool,
}

/// Typ av idéburen aktör. For-profit companies cannot be parties (the Örebro rule).
pub const CIVIL_TYPES: [(&str, &str); 4] = [
    ("forening", "Förening"),
    ("stiftelse", "Stiftelse"),
    ("kooperativ", "Kooperativ"),
    ("valgorenhet", "Välgörenhetsorganisation"),
];

/// Partformuläret: a party as typed, for a new one and for a change. Posted as the server
/// functions' argument `party`, so the HTML names are `party[name]` and so on, and so are the
/// fields in its validation errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyForm {
    /// Namn.
    pub name: String,
    /// Typ: namnd, ideburen or bolag ([`PartyKind::as_db`]).
    pub kind: String,
    /// Verksamhetsområde (för nämnder).
    #[serde(default)]
    pub area: String,
    /// Sorts idéburen aktör ([`CIVIL_TYPES`]).
    #[serde(default)]
    pub civil_type: String,
    /// Aktiv (kryssruta; only on the form for an existing party).
    #[serde(default, with = "crate::form::checkbox")]
    pub active: bool,
}

/// A validated new party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyInput {
    pub name: String,
    pub kind: PartyKind,
    pub area: Option<String>,
    pub civil_type: Option<String>,
}

impl PartyInput {
    /// Validates the form: a nämnd needs its verksamhetsområde, an idéburen aktör its type.
    pub fn parse(form: &PartyForm) -> Result<Self, crate::error::AppError> {
        use crate::error::{AppError, FieldError};
        let mut errors = Vec::new();
        let name = form.name.trim();
        if name.is_empty() {
            errors.push(FieldError {
                field: "party[name]".into(),
                message: "Ange partens namn.".into(),
            });
        } else if name.chars().count() > 200 {
            errors.push(FieldError {
                field: "party[name]".into(),
                message: "Namnet får vara högst 200 tecken.".into(),
            });
        }
        let kind = PartyKind::from_db(&form.kind);
        let area = form.area.trim();
        let civil = CIVIL_TYPES
            .iter()
            .find(|(value, _)| *value == form.civil_type)
            .map(|(v, _)| v.to_string());
        match kind {
            None => errors.push(FieldError { field: "party[kind]".into(), message: "Välj typ av part.".into() }),
            Some(PartyKind::Board) if area.is_empty() => errors.push(FieldError {
                field: "party[area]".into(),
                message: "Ange nämndens verksamhetsområde, till exempel Skola.".into(),
            }),
            Some(PartyKind::Civil) if civil.is_none() => errors.push(FieldError {
                field: "party[civil_type]".into(),
                message: "Välj vilken sorts idéburen aktör det är. Vinstdrivande företag kan inte vara parter.".into(),
            }),
            _ => {}
        }
        if area.chars().count() > 100 {
            errors.push(FieldError {
                field: "party[area]".into(),
                message: "Högst 100 tecken.".into(),
            });
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(Self {
                name: name.to_string(),
                kind,
                area: (kind == PartyKind::Board).then(|| area.to_string()),
                civil_type: if kind == PartyKind::Civil {
                    civil
                } else {
                    None
                },
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, kind: &str, area: &str, civil_type: &str) -> PartyForm {
        PartyForm {
            name: name.into(),
            kind: kind.into(),
            area: area.into(),
            civil_type: civil_type.into(),
            active: true,
        }
    }

    #[test]
    fn boards_need_an_area_and_civil_actors_a_type() {
        let board = PartyInput::parse(&form(
            "Socialnämnden",
            "namnd",
            "Individ- och familjeomsorg",
            "",
        ))
        .unwrap();
        assert_eq!(board.area.as_deref(), Some("Individ- och familjeomsorg"));
        assert!(
            PartyInput::parse(&form("Socialnämnden", "namnd", " ", ""))
                .unwrap_err()
                .message_for("party[area]")
                .is_some()
        );
        let club =
            PartyInput::parse(&form("IK Vivalla", "ideburen", "ignoreras", "forening")).unwrap();
        assert_eq!(
            (club.area, club.civil_type.as_deref()),
            (None, Some("forening"))
        );
        let company =
            PartyInput::parse(&form("Konsult AB", "ideburen", "", "aktiebolag")).unwrap_err();
        assert!(
            company
                .message_for("party[civil_type]")
                .unwrap()
                .contains("Vinstdrivande")
        );
        assert!(
            PartyInput::parse(&form("", "foretag", "", ""))
                .unwrap_err()
                .message_for("party[kind]")
                .is_some()
        );
    }
}
