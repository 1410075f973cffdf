//! The measure form (Nytt mått, Ändra mått) and its validation: [`MeasureForm`] as typed,
//! [`MeasureInput`] as stored, every bad field with its own Swedish message.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    DEFAULT_COUNT_UNIT, Direction, Frequency, MAX_CODE_CHARS, MAX_LONG_CHARS, MAX_SHORT_CHARS,
    Source, ValueType, value_problem,
};
use crate::error::{AppError, FieldError};
use crate::sv::number::{NotANumber, number_message, parse_date, parse_decimal};

/// Måttformuläret: a measure as typed, for a new one and for a change. Posted as the server
/// functions' argument `measure`, so the HTML names are `measure[code]` and so on, and so are
/// the fields in its validation errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureForm {
    /// Kod.
    pub code: String,
    /// Namn.
    pub name: String,
    /// Definition (hur måttet räknas).
    pub definition: String,
    /// Enhet.
    pub unit: String,
    /// Värdetyp.
    pub value_type: String,
    /// Frekvens.
    pub frequency: String,
    /// Riktning.
    pub direction: String,
    /// Baslinje (värde).
    pub baseline: String,
    /// Baslinjens datum.
    pub baseline_date: String,
    /// Målvärde.
    pub target: String,
    /// Måldatum.
    pub target_date: String,
    /// Delmål (valfria), one per line: "2027-06-30: 45".
    #[serde(default)]
    pub milestones: String,
    /// Tolerans gul.
    pub tolerance_yellow: String,
    /// Tolerans röd.
    pub tolerance_red: String,
    /// Intervallets nedre gräns (riktning "Inom intervall" only).
    #[serde(default)]
    pub interval_lower: String,
    /// Intervallets övre gräns (riktning "Inom intervall" only).
    #[serde(default)]
    pub interval_upper: String,
    /// Datakälla.
    pub source: String,
    /// Källa och jämförelsenivåer (indikatorer only).
    #[serde(default)]
    pub comparison: String,
    /// Statistiska signaler av ("ja" when the box is ticked).
    #[serde(default)]
    pub signals_off: String,
    /// Skift och trend: antal värden i rad (tomt = standard).
    #[serde(default)]
    pub signal_run_length: String,
}

/// A validated measure (without its place in the schema).
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureInput {
    pub code: String,
    pub name: String,
    pub definition: String,
    pub unit: String,
    pub value_type: ValueType,
    pub frequency: Frequency,
    pub direction: Direction,
    pub baseline: Option<(f64, NaiveDate)>,
    pub target: Option<(f64, NaiveDate)>,
    pub milestones: Vec<(NaiveDate, f64)>,
    pub tolerance_yellow: Option<f64>,
    pub tolerance_red: Option<f64>,
    /// (lower, upper), for a measure "inom intervall"; `None` for the other directions.
    pub interval: Option<(f64, f64)>,
    pub source: Source,
    pub comparison: String,
    pub signals: super::Signals,
}

impl MeasureInput {
    /// Validates the measure form; every bad field gets its own Swedish message.
    pub fn parse(form: &MeasureForm) -> Result<Self, AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut error = |field: &str, message: &str| {
            errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            })
        };
        let code = form.code.trim();
        if code.is_empty() {
            error("measure[code]", "Ange en kod, till exempel E1.");
        } else if code.chars().count() > MAX_CODE_CHARS
            || !code
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == '_')
        {
            error(
                "measure[code]",
                "Koden får vara högst 20 tecken: bokstäver, siffror, punkt och bindestreck.",
            );
        }
        let name = form.name.trim();
        if name.is_empty() {
            error("measure[name]", "Ange måttets namn.");
        } else if name.chars().count() > MAX_SHORT_CHARS {
            error("measure[name]", "Namnet får vara högst 200 tecken.");
        }
        if form.definition.chars().count() > MAX_LONG_CHARS {
            error(
                "measure[definition]",
                "Definitionen får vara högst 4000 tecken.",
            );
        }
        if form.unit.trim().chars().count() > 40 {
            error("measure[unit]", "Enheten får vara högst 40 tecken.");
        }
        if form.comparison.chars().count() > MAX_SHORT_CHARS {
            error("measure[comparison]", "Texten får vara högst 200 tecken.");
        }
        let value_type = ValueType::from_db(&form.value_type);
        if value_type.is_none() {
            error("measure[value_type]", "Välj värdetyp.");
        }
        let frequency = Frequency::from_db(&form.frequency);
        if frequency.is_none() {
            error("measure[frequency]", "Välj frekvens.");
        }
        let direction = Direction::from_db(&form.direction);
        if direction.is_none() {
            error("measure[direction]", "Välj riktning.");
        }
        let source = Source::from_db(&form.source);
        if source.is_none() {
            error("measure[source]", "Välj datakälla.");
        }
        let mut number = |field: &str, raw: &str| match parse_decimal(raw) {
            Ok(value) => {
                if let (Some(v), Some(t)) = (value, value_type)
                    && let Some(problem) = value_problem(t, v)
                    && matches!(
                        field,
                        "measure[baseline]"
                            | "measure[target]"
                            | "measure[interval_lower]"
                            | "measure[interval_upper]"
                    )
                {
                    error(field, problem);
                }
                value
            }
            Err(NotANumber) => {
                error(field, number_message(raw));
                None
            }
        };
        let baseline = number("measure[baseline]", &form.baseline);
        let target = number("measure[target]", &form.target);
        let yellow = number("measure[tolerance_yellow]", &form.tolerance_yellow);
        let red = number("measure[tolerance_red]", &form.tolerance_red);
        let lower = number("measure[interval_lower]", &form.interval_lower);
        let upper = number("measure[interval_upper]", &form.interval_upper);
        let mut date = |field: &str, raw: &str, needed: bool| {
            let raw = raw.trim();
            if raw.is_empty() {
                if needed {
                    error(field, "Ange datum som ÅÅÅÅ-MM-DD.");
                }
                return None;
            }
            let parsed = parse_date(raw);
            if parsed.is_none() {
                error(
                    field,
                    "Ange datum som ÅÅÅÅ-MM-DD mellan 1990 och 2100, till exempel 2026-12-31.",
                );
            }
            parsed
        };
        let baseline_date = date(
            "measure[baseline_date]",
            &form.baseline_date,
            baseline.is_some(),
        );
        let target_date = date("measure[target_date]", &form.target_date, target.is_some());
        // The unit is asked only for an antal; the other value types imply theirs.
        let typed_unit = form.unit.trim();
        let unit = match value_type.map(|t| (t, t.implied_unit())) {
            Some((_, None)) if typed_unit.is_empty() => DEFAULT_COUNT_UNIT.to_string(),
            Some((_, None)) | None => typed_unit.to_string(),
            Some((t, Some(implied))) => {
                if !typed_unit.is_empty() && typed_unit != implied {
                    error("measure[unit]", &unit_given_by(t));
                }
                implied.to_string()
            }
        };
        let interval = match (direction, lower, upper) {
            (Some(Direction::Within), Some(l), Some(u)) if l >= u => {
                error(
                    "measure[interval_upper]",
                    "Den övre gränsen ska vara större än den nedre.",
                );
                None
            }
            (Some(Direction::Within), Some(l), Some(u)) => {
                if let Some(t) = target
                    && !(l..=u).contains(&t)
                {
                    error(
                        "measure[target]",
                        "Målvärdet ska ligga inom intervallet (mellan den nedre och den övre gränsen).",
                    );
                }
                Some((l, u))
            }
            (Some(Direction::Within), l, u) => {
                if l.is_none() && form.interval_lower.trim().is_empty() {
                    error(
                        "measure[interval_lower]",
                        "Ange intervallets nedre gräns: riktningen är ”Inom intervall”.",
                    );
                }
                if u.is_none() && form.interval_upper.trim().is_empty() {
                    error(
                        "measure[interval_upper]",
                        "Ange intervallets övre gräns: riktningen är ”Inom intervall”.",
                    );
                }
                None
            }
            (_, None, None) => None,
            _ => {
                error(
                    "measure[interval_lower]",
                    "Gränserna gäller bara riktningen ”Inom intervall”: töm fälten eller byt riktning.",
                );
                None
            }
        };
        let milestones = match parse_milestones(&form.milestones, value_type) {
            Ok(list) => list,
            Err(message) => {
                error("measure[milestones]", &message);
                Vec::new()
            }
        };
        if !milestones.is_empty() {
            let first = milestones[0].0;
            let last = milestones[milestones.len() - 1].0;
            match (target_date, baseline_date) {
                (None, _) if target.is_none() => error(
                    "measure[milestones]",
                    "Delmål kräver ett målvärde med datum.",
                ),
                (Some(end), _) if last >= end => error(
                    "measure[milestones]",
                    "Delmålens datum ska ligga före måldatumet.",
                ),
                (_, Some(start)) if first <= start => error(
                    "measure[milestones]",
                    "Delmålens datum ska ligga efter baslinjens datum.",
                ),
                _ => {}
            }
        }
        let run_length = match form.signal_run_length.trim() {
            "" => None,
            raw => match raw.parse::<usize>() {
                Ok(n) if super::Signals::RUN_LENGTHS.contains(&n) => Some(n),
                _ => {
                    error(
                        "measure[signal_run_length]",
                        "Ange ett heltal från 5 till 15, eller lämna fältet tomt för standard.",
                    );
                    None
                }
            },
        };
        let signals = super::Signals {
            off: !form.signals_off.trim().is_empty(),
            run_length,
        };
        if let (Some(y), Some(r)) = (yellow, red)
            && (y < 0.0 || r < y)
        {
            error(
                "measure[tolerance_red]",
                "Röd tolerans ska vara minst lika stor som gul (och ingen negativ).",
            );
        }
        match (value_type, frequency, direction, source) {
            (Some(value_type), Some(frequency), Some(direction), Some(source))
                if errors.is_empty() =>
            {
                Ok(Self {
                    code: code.to_uppercase(),
                    name: name.to_string(),
                    definition: form.definition.trim().to_string(),
                    unit,
                    value_type,
                    frequency,
                    direction,
                    baseline: baseline.zip(baseline_date),
                    target: target.zip(target_date),
                    milestones,
                    tolerance_yellow: yellow,
                    tolerance_red: red,
                    interval,
                    source,
                    comparison: form.comparison.trim().to_string(),
                    signals,
                })
            }
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// Why a unit was refused for a value type that gives its own: "Andel (%) mäts i %: lämna
/// enheten tom."
fn unit_given_by(value_type: ValueType) -> String {
    match value_type.implied_unit() {
        Some("") | None => format!("{} har ingen enhet: lämna fältet tomt.", value_type.label()),
        Some(unit) => format!("{} mäts i {unit}: lämna enheten tom.", value_type.label()),
    }
}

/// Most delmål per measure.
pub const MAX_MILESTONES: usize = 24;

/// Parses delmål, one per line (or separated by ";"): a date and a value, e.g. "2027-06-30: 45"
/// or "2027-06-30 45,5". Sorted by date; the same date twice is an error.
pub fn parse_milestones(
    raw: &str,
    value_type: Option<ValueType>,
) -> Result<Vec<(NaiveDate, f64)>, String> {
    let mut list: Vec<(NaiveDate, f64)> = Vec::new();
    for (n, line) in raw
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let row = n + 1;
        let (date, value) = line
            .split_once([' ', ':', '=', '\t'])
            .map(|(d, v)| (d.trim(), v.trim().trim_start_matches([':', '=']).trim()))
            .unwrap_or((line, ""));
        let date = parse_date(date).ok_or_else(|| {
            format!(
                "Delmål {row}: skriv datum och värde, till exempel 2027-06-30: 45 (år 1990–2100)."
            )
        })?;
        let value = match parse_decimal(value) {
            Ok(Some(v)) => v,
            _ => {
                return Err(format!(
                    "Delmål {row}: värdet är inget tal, skriv till exempel 45 eller 12,5."
                ));
            }
        };
        if let Some(problem) = value_type.and_then(|t| value_problem(t, value)) {
            return Err(format!("Delmål {row}: {problem}"));
        }
        if list.iter().any(|(d, _)| *d == date) {
            return Err(format!("Delmål {row}: datumet {date} finns redan."));
        }
        list.push((date, value));
    }
    if list.len() > MAX_MILESTONES {
        return Err(format!("Högst {MAX_MILESTONES} delmål per mått."));
    }
    list.sort_by_key(|(d, _)| *d);
    Ok(list)
}

/// Delmål as the form shows them: one "ÅÅÅÅ-MM-DD: värde" per line.
pub fn format_milestones(list: &[(NaiveDate, f64)]) -> String {
    list.iter()
        .map(|(d, v)| format!("{d}: {}", v.to_string().replace('.', ",")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistical_signals_can_be_turned_off_or_given_their_own_run_length() {
        let form = MeasureForm {
            code: "E2".into(),
            name: "Trygghet".into(),
            value_type: "andel".into(),
            frequency: "manad".into(),
            direction: "hogre".into(),
            source: "manuell".into(),
            ..Default::default()
        };
        assert_eq!(
            MeasureInput::parse(&form).unwrap().signals,
            super::super::Signals::default(),
            "on, with the configured length"
        );
        let own = MeasureForm {
            signals_off: "ja".into(),
            signal_run_length: " 9 ".into(),
            ..form.clone()
        };
        let signals = MeasureInput::parse(&own).unwrap().signals;
        assert!(signals.off);
        assert_eq!(signals.run_length, Some(9));
        for bad in ["4", "16", "sju", "7,5"] {
            let form = MeasureForm {
                signal_run_length: bad.into(),
                ..form.clone()
            };
            let Err(AppError::Validation(errors)) = MeasureInput::parse(&form) else {
                panic!("{bad} is refused");
            };
            assert_eq!(errors[0].field, "measure[signal_run_length]", "{bad}");
            assert!(errors[0].message.contains("från 5 till 15"));
        }
    }

    #[test]
    fn measure_form_rules() {
        let ok = MeasureForm {
            code: "e1".into(),
            name: "Andel elever med godkända betyg".into(),
            unit: "%".into(),
            value_type: "andel".into(),
            frequency: "halvar".into(),
            direction: "hogre".into(),
            baseline: "40".into(),
            baseline_date: "2026-06-30".into(),
            target: "75,5".into(),
            target_date: "2028-06-30".into(),
            source: "manuell".into(),
            ..Default::default()
        };
        let input = MeasureInput::parse(&ok).unwrap();
        assert_eq!(input.code, "E1");
        assert_eq!(input.target.unwrap().0, 75.5);

        let bad = MeasureForm {
            unit: "elever".into(),
            target: "120".into(),
            code: "".into(),
            name: "".into(),
            ..ok.clone()
        };
        let error = MeasureInput::parse(&bad).unwrap_err();
        assert!(error.message_for("measure[code]").is_some());
        assert!(error.message_for("measure[name]").is_some());
        assert!(
            error
                .message_for("measure[unit]")
                .unwrap()
                .contains("Andel (%) mäts i %")
        );
        assert!(
            error
                .message_for("measure[target]")
                .unwrap()
                .contains("mellan 0 och 100")
        );

        let no_date = MeasureForm {
            target_date: "".into(),
            ..ok.clone()
        };
        assert!(
            MeasureInput::parse(&no_date)
                .unwrap_err()
                .message_for("measure[target_date]")
                .is_some()
        );
        let with_milestones = MeasureForm {
            milestones: "2027-06-30: 60\n2026-12-31 50,5".into(),
            ..ok.clone()
        };
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            MeasureInput::parse(&with_milestones).unwrap().milestones,
            [(date(2026, 12, 31), 50.5), (date(2027, 6, 30), 60.0)]
        );
        for (raw, expected) in [
            ("2029-01-01: 80", "före måldatumet"),
            ("2026-01-01: 80", "efter baslinjens datum"),
            ("2027-06-30: 120", "mellan 0 och 100"),
            ("30/6 2027: 60", "skriv datum och värde"),
            ("2027-06-30: sextio", "inget tal"),
            ("2027-06-30: 60; 2027-06-30: 61", "finns redan"),
        ] {
            let form = MeasureForm {
                milestones: raw.into(),
                ..ok.clone()
            };
            let message = MeasureInput::parse(&form)
                .unwrap_err()
                .message_for("measure[milestones]")
                .unwrap_or_default()
                .to_string();
            assert!(message.contains(expected), "{raw}: {message}");
        }
        let untargeted = MeasureForm {
            milestones: "2027-06-30: 60".into(),
            target: "".into(),
            target_date: "".into(),
            ..ok.clone()
        };
        assert!(
            MeasureInput::parse(&untargeted)
                .unwrap_err()
                .message_for("measure[milestones]")
                .unwrap()
                .contains("målvärde")
        );
        assert_eq!(
            format_milestones(&[(date(2027, 6, 30), 60.5)]),
            "2027-06-30: 60,5"
        );

        // The unit follows the value type; only an antal names its own ("st" when empty).
        let unit_of = |value_type: &str, unit: &str| {
            MeasureInput::parse(&MeasureForm {
                value_type: value_type.into(),
                unit: unit.into(),
                baseline: "".into(),
                baseline_date: "".into(),
                target: "".into(),
                target_date: "".into(),
                ..ok.clone()
            })
            .map(|m| m.unit)
        };
        assert_eq!(unit_of("andel", "").unwrap(), "%");
        assert_eq!(unit_of("andel", "%").unwrap(), "%");
        assert_eq!(unit_of("belopp", "").unwrap(), "kr");
        assert_eq!(unit_of("janej", "").unwrap(), "");
        assert_eq!(unit_of("antal", "").unwrap(), "st");
        assert_eq!(unit_of("antal", "deltagare").unwrap(), "deltagare");
        assert!(
            unit_of("skala", "poäng")
                .unwrap_err()
                .message_for("measure[unit]")
                .unwrap()
                .contains("Skala 1–5 har ingen enhet")
        );

        let script = MeasureForm {
            code: "<script>".into(),
            ..ok
        };
        assert!(
            MeasureInput::parse(&script)
                .unwrap_err()
                .message_for("measure[code]")
                .is_some()
        );
    }

    #[test]
    fn inom_intervall_needs_its_bounds_lower_below_upper() {
        let within = MeasureForm {
            code: "E2".into(),
            name: "Väntetid i dagar".into(),
            value_type: "antal".into(),
            frequency: "manad".into(),
            direction: "intervall".into(),
            interval_lower: "20".into(),
            interval_upper: "30".into(),
            target: "25".into(),
            target_date: "2028-06-30".into(),
            source: "manuell".into(),
            ..Default::default()
        };
        assert_eq!(
            MeasureInput::parse(&within).unwrap().interval,
            Some((20.0, 30.0))
        );
        let message = |form: MeasureForm, field: &str| {
            MeasureInput::parse(&form)
                .unwrap_err()
                .message_for(field)
                .unwrap_or_default()
                .to_string()
        };
        let reversed = MeasureForm {
            interval_lower: "30".into(),
            interval_upper: "20".into(),
            ..within.clone()
        };
        assert!(message(reversed, "measure[interval_upper]").contains("större än den nedre"));
        let missing = MeasureForm {
            interval_upper: "".into(),
            ..within.clone()
        };
        assert!(message(missing, "measure[interval_upper]").contains("övre gräns"));
        let outside = MeasureForm {
            target: "40".into(),
            ..within.clone()
        };
        assert!(message(outside, "measure[target]").contains("inom intervallet"));
        let higher = MeasureForm {
            direction: "hogre".into(),
            ..within.clone()
        };
        assert!(message(higher, "measure[interval_lower]").contains("bara riktningen"));
        let no_bounds = MeasureForm {
            direction: "hogre".into(),
            interval_lower: "".into(),
            interval_upper: "".into(),
            ..within
        };
        assert_eq!(MeasureInput::parse(&no_bounds).unwrap().interval, None);
    }
}
