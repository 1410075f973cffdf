//! A measure's facts as the six-column view and its exports carry them: unit, utgångsvärde,
//! målvärde (or interval), tolerances, frequency and source, in Swedish words and numbers.

use super::{Direction, Measure, MeasureKind, Schema, ValueType};
use crate::sv::number::format_decimal;

/// Måttets uppgifter: each one ready to read, "–" when not set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureFacts {
    /// "%", "deltagare", or "–" when the value type has none.
    pub unit: String,
    /// Utgångsvärde: "40 % (2016-06-30)".
    pub baseline: String,
    /// Målvärde: "75 % (2019-06-30)"; for a measure "inom intervall" "inom 20–30 dagar" first.
    pub target: String,
    /// Toleranser: "gul 5, röd 10".
    pub tolerances: String,
    /// "Halvår".
    pub frequency: &'static str,
    /// "Manuell rapportering".
    pub source: &'static str,
}

/// A value with the measure's unit, the Swedish way: "62,5 %", "12 deltagare", "ja".
fn with_unit(measure: &Measure, value: f64) -> String {
    let number = match measure.value_type {
        ValueType::YesNo if value == 1.0 => "ja".to_string(),
        ValueType::YesNo => "nej".to_string(),
        _ => format_decimal(value),
    };
    if measure.unit.is_empty() {
        number
    } else {
        format!("{number} {}", measure.unit)
    }
}

impl Measure {
    /// The measure's facts for the six-column view and the exports.
    pub fn facts(&self) -> MeasureFacts {
        let dated = |value: Option<(f64, chrono::NaiveDate)>| {
            value.map(|(v, date)| format!("{} ({date})", with_unit(self, v)))
        };
        let interval = match (self.direction, self.interval) {
            (Direction::Within, Some((lower, upper))) => Some(format!(
                "inom {}–{}",
                format_decimal(lower),
                with_unit(self, upper)
            )),
            _ => None,
        };
        let target = match (interval, dated(self.target)) {
            (Some(interval), Some(target)) => format!("{interval}, målvärde {target}"),
            (Some(interval), None) => interval,
            (None, Some(target)) => target,
            (None, None) => "–".into(),
        };
        let tolerances = match (self.tolerance_yellow, self.tolerance_red) {
            (None, None) => "–".to_string(),
            (yellow, red) => [("gul", yellow), ("röd", red)]
                .into_iter()
                .filter_map(|(colour, t)| t.map(|t| format!("{colour} {}", format_decimal(t))))
                .collect::<Vec<_>>()
                .join(", "),
        };
        MeasureFacts {
            unit: if self.unit.is_empty() {
                "–".into()
            } else {
                self.unit.clone()
            },
            baseline: dated(self.baseline).unwrap_or_else(|| "–".into()),
            target,
            tolerances,
            frequency: self.frequency.label(),
            source: self.source.label(),
        }
    }

    /// The measure in one line for a cell of the six-column export: "E1 Andel godkända (enhet
    /// %; utgångsvärde 40 % (2016-06-30); målvärde 75 % (2019-06-30); tolerans gul 5, röd 10;
    /// halvår; manuell rapportering)".
    pub fn export_line(&self) -> String {
        let f = self.facts();
        format!(
            "{} {} (enhet {}; utgångsvärde {}; målvärde {}; tolerans {}; {}; {})",
            self.code,
            self.name,
            f.unit,
            f.baseline,
            f.target,
            f.tolerances,
            f.frequency.to_lowercase(),
            f.source.to_lowercase()
        )
    }
}

/// The columns of the export's measure sheet ("Mått"): one row per active measure.
pub const MEASURE_COLUMNS: [&str; 17] = [
    "Kod",
    "Mått",
    "Måttyp",
    "Hör till",
    "Enhet",
    "Värdetyp",
    "Riktning",
    "Utgångsvärde",
    "Utgångsvärdets datum",
    "Målvärde",
    "Måldatum",
    "Nedre gräns",
    "Övre gräns",
    "Tolerans gul",
    "Tolerans röd",
    "Frekvens",
    "Datakälla",
];

/// One cell of the measure sheet: numbers stay numbers, so Excel can count with them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Schema {
    /// The measure sheet: each active measure, in schema order (goal by goal, its activities'
    /// measures, then its indikatorer), with every fact in its own column ([`MEASURE_COLUMNS`]).
    pub fn measure_rows(&self) -> Vec<Vec<Cell>> {
        let text = |t: &str| {
            if t.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(t.to_string())
            }
        };
        let number = |n: Option<f64>| n.map_or(Cell::Empty, Cell::Number);
        let row = |m: &Measure, place: String| {
            vec![
                text(&m.code),
                text(&m.name),
                text(m.kind.label()),
                Cell::Text(place),
                text(&m.unit),
                text(m.value_type.label()),
                text(m.direction.label()),
                number(m.baseline.map(|b| b.0)),
                m.baseline
                    .map_or(Cell::Empty, |b| Cell::Text(b.1.to_string())),
                number(m.target.map(|t| t.0)),
                m.target
                    .map_or(Cell::Empty, |t| Cell::Text(t.1.to_string())),
                number(m.interval.map(|i| i.0)),
                number(m.interval.map(|i| i.1)),
                number(m.tolerance_yellow),
                number(m.tolerance_red),
                text(m.frequency.label()),
                text(m.source.label()),
            ]
        };
        let mut rows = Vec::new();
        for (g, goal) in self.goals.iter().enumerate() {
            for (a, activity) in goal.activities.iter().enumerate() {
                let place = format!("Aktivitet {}.{}: {}", g + 1, a + 1, activity.text);
                for kind in [MeasureKind::Activity, MeasureKind::Effect] {
                    for m in self.activity_measures(activity.id, kind) {
                        rows.push(row(m, place.clone()));
                    }
                }
            }
            for m in self.indicators(goal.id) {
                rows.push(row(m, format!("Mål {}: {}", g + 1, goal.text)));
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn facts_carry_unit_values_tolerances_frequency_and_source() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let share = Measure {
            code: "E1".into(),
            name: "Andel godkända".into(),
            unit: "%".into(),
            value_type: ValueType::Share,
            frequency: super::super::Frequency::HalfYearly,
            baseline: Some((40.0, date(2016, 6, 30))),
            target: Some((75.5, date(2019, 6, 30))),
            tolerance_yellow: Some(5.0),
            tolerance_red: Some(10.0),
            ..Measure::example(1)
        };
        assert_eq!(
            share.export_line(),
            "E1 Andel godkända (enhet %; utgångsvärde 40 % (2016-06-30); målvärde 75,5 % \
             (2019-06-30); tolerans gul 5, röd 10; halvår; manuell rapportering)"
        );
        let within = Measure {
            unit: "dagar".into(),
            direction: Direction::Within,
            interval: Some((20.0, 30.0)),
            ..Measure::example(2)
        };
        let facts = within.facts();
        assert_eq!(facts.target, "inom 20–30 dagar");
        assert_eq!(facts.baseline, "–");
        assert_eq!(facts.tolerances, "–");
    }
}
