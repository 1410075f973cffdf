//! Parter: the nämnder/förvaltningar, idéburna aktörer and kommunala bolag that run satsningar
//! together. Each belongs to one organisation.

#[cfg(feature = "ssr")]
pub mod repo;

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
