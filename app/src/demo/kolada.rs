//! The demo's comparison values: invented KPIs in Kolada's shape for Örebro kommun, Örebro län
//! and riket, so each demo indicator can be compared. The ids start with X (Kolada's never
//! do), and every indicator naming one says it is invented.
//!
//! All comparison values are written by [`seed_comparison`] alone, from [`EXAMPLE_KPIS`]:
//! when comparison values get names (of the KPI and of each level), they are filled in there.

use chrono::{DateTime, Utc};

use crate::audit::Actor;
use crate::db::Db;
use crate::error::AppError;
use crate::indicator::KoladaValue;

/// An invented comparison KPI.
pub struct ExampleKpi {
    /// "X00002": Kolada's shape (a letter and five digits), but no Kolada id.
    pub id: &'static str,
    pub name: &'static str,
    /// First and last year with values.
    pub years: (i32, i32),
    /// Per level (Kolada municipality id): the first year's value and the change per year.
    pub levels: [(&'static str, f64, f64); 3],
    /// How much a year's value may wander off the straight line.
    pub wobble: f64,
}

/// Örebro kommun, Örebro län and riket.
const KOMMUN: &str = "1880";
const LAN: &str = "0018";
const RIKET: &str = "0000";

/// The invented KPIs the demo indicators name.
pub const EXAMPLE_KPIS: [ExampleKpi; 8] = [
    ExampleKpi {
        id: "X00001",
        name: "Behörighet till gymnasiet",
        years: (2021, 2025),
        levels: [(KOMMUN, 68.0, 1.1), (LAN, 72.0, 1.1), (RIKET, 76.0, 1.1)],
        wobble: 0.0,
    },
    ExampleKpi {
        id: "X00002",
        name: "Elever i årskurs 9 behöriga till yrkesprogram",
        years: (2014, 2020),
        levels: [(KOMMUN, 80.5, 0.3), (LAN, 82.0, 0.2), (RIKET, 83.5, 0.1)],
        wobble: 0.6,
    },
    ExampleKpi {
        id: "X00003",
        name: "Unga 16–24 år som varken arbetar eller studerar",
        years: (2014, 2019),
        levels: [(KOMMUN, 8.6, -0.2), (LAN, 8.1, -0.15), (RIKET, 7.4, -0.1)],
        wobble: 0.2,
    },
    ExampleKpi {
        id: "X00004",
        name: "Invånare 65 år och äldre med gott självskattat hälsotillstånd",
        years: (2019, 2023),
        levels: [(KOMMUN, 66.0, 0.4), (LAN, 64.0, 0.3), (RIKET, 67.0, 0.3)],
        wobble: 0.5,
    },
    ExampleKpi {
        id: "X00005",
        name: "Elever i årskurs 6 med lägst betyget E i alla ämnen",
        years: (2014, 2019),
        levels: [(KOMMUN, 76.0, 0.4), (LAN, 77.0, 0.3), (RIKET, 78.0, 0.2)],
        wobble: 0.6,
    },
    ExampleKpi {
        id: "X00006",
        name: "Elever i årskurs 3 som klarat alla delprov i matematik",
        years: (2015, 2019),
        levels: [(KOMMUN, 74.0, -0.2), (LAN, 72.0, 0.0), (RIKET, 71.0, 0.1)],
        wobble: 0.8,
    },
    ExampleKpi {
        id: "X00007",
        name: "Förvärvsarbetande invånare 20–64 år",
        years: (2013, 2018),
        levels: [(KOMMUN, 76.5, 0.5), (LAN, 78.0, 0.4), (RIKET, 79.0, 0.3)],
        wobble: 0.3,
    },
    ExampleKpi {
        id: "X00008",
        name: "Barn i ekonomiskt utsatta hushåll",
        years: (2014, 2018),
        levels: [(KOMMUN, 13.8, -0.4), (LAN, 12.0, -0.3), (RIKET, 11.5, -0.3)],
        wobble: 0.3,
    },
];

/// The source text of an indicator compared with example KPI `id`: it names the KPI (so the
/// comparison finds its values) and says the KPI is invented.
pub fn source_text(id: &str) -> String {
    let name = EXAMPLE_KPIS
        .iter()
        .find(|k| k.id == id)
        .map_or("", |k| k.name);
    format!("Exempel-KPI {id} (påhittad, inte från Kolada): {name}; kommun, län, riket")
}

/// Every level's yearly total (gender T) of every example KPI, rounded to one decimal.
pub fn example_values() -> Vec<KoladaValue> {
    let mut values = Vec::new();
    for kpi in &EXAMPLE_KPIS {
        for (municipality, first, per_year) in kpi.levels {
            for year in kpi.years.0..=kpi.years.1 {
                let step = f64::from(year - kpi.years.0);
                let period = crate::report::Period::new(year, 12).expect("a demo year");
                let wobble = kpi.wobble
                    * super::course::wobble(&format!("{}{municipality}", kpi.id), period);
                let value = ((first + per_year * step + wobble) * 10.0).round() / 10.0;
                values.push(KoladaValue {
                    kpi: kpi.id.into(),
                    municipality: municipality.into(),
                    year,
                    gender: "T".into(),
                    value: Some(value),
                });
            }
        }
    }
    values
}

/// Imports the example comparison values as one file, as an evaluator would.
pub async fn seed_comparison(db: &Db, actor: Actor, now: DateTime<Utc>) -> Result<(), AppError> {
    let values = example_values();
    crate::indicator::repo::import(db, actor, "exempeldata-kolada.json", &values, now).await?;
    // Names for the comparison charts: their titles (the KPIs) and lines (the levels).
    use crate::indicator::{KoladaName, NameKind};
    let kpis = EXAMPLE_KPIS.iter().map(|kpi| {
        (
            NameKind::Kpi,
            kpi.id,
            format!("{} (påhittat exempel)", kpi.name),
        )
    });
    let levels = [(KOMMUN, "Örebro"), (LAN, "Örebro län"), (RIKET, "Riket")]
        .map(|(code, name)| (NameKind::Municipality, code, name.to_string()));
    let names: Vec<KoladaName> = kpis
        .chain(levels)
        .map(|(kind, code, name)| KoladaName {
            kind,
            code: code.into(),
            name,
        })
        .collect();
    crate::indicator::repo::import_names(db, actor, "exempeldata-kolada-namn.json", &names, now)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_kpis_look_like_kolada_ids_but_are_none_of_kolada_s() {
        for kpi in &EXAMPLE_KPIS {
            assert!(crate::indicator::is_kpi(kpi.id), "{}", kpi.id);
            assert!(kpi.id.starts_with('X'), "{}", kpi.id);
            let text = source_text(kpi.id);
            assert_eq!(crate::indicator::kpi_of(&text).as_deref(), Some(kpi.id));
            assert!(text.contains("påhittad") && text.contains(kpi.name));
        }
    }

    #[test]
    fn every_kpi_has_each_level_for_each_year() {
        let values = example_values();
        for kpi in &EXAMPLE_KPIS {
            let years = (kpi.years.1 - kpi.years.0 + 1) as usize;
            let own = values.iter().filter(|v| v.kpi == kpi.id).count();
            assert_eq!(own, 3 * years, "{}", kpi.id);
        }
        assert!(values.iter().all(|v| v.gender == "T" && v.value.is_some()));
        // The first example KPI keeps its straight lines (the indicator page shows 2021–2025).
        let first: Vec<f64> = values
            .iter()
            .filter(|v| v.kpi == "X00001" && v.municipality == KOMMUN)
            .filter_map(|v| v.value)
            .collect();
        assert_eq!(first, [68.0, 69.1, 70.2, 71.3, 72.4]);
    }
}
