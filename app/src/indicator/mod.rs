//! Indicator comparison data in the shape of Kolada (open API v3): kpi id, municipality id
//! ("0000" = riket, "1880" = Örebro kommun, "0018" = Örebro län), year, gender T/K/M, value.
//! Files are imported (the app works offline): the API's JSON as saved, or CSV with the
//! columns kpi, municipality, period, gender, value. Parsing, checks, the comparison levels
//! and the "same direction?" verdict are pure and unit-tested.

pub mod api;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod ui;

use serde::{Deserialize, Serialize};

use crate::schema::Direction;

/// Most rows in one file.
pub const MAX_ROWS: usize = 200_000;

/// One comparison value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KoladaValue {
    pub kpi: String,
    pub municipality: String,
    pub year: i32,
    pub gender: String,
    pub value: Option<f64>,
}

/// Is `text` a Kolada KPI id ("N00945", "U21468")?
pub fn is_kpi(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && text.len() == 6
        && chars.all(|c| c.is_ascii_digit())
}

/// The KPI id named in an indicator's source text, e.g. "Kolada N15428; kommun, län, riket".
pub fn kpi_of(comparison: &str) -> Option<String> {
    comparison
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| is_kpi(word))
        .map(str::to_string)
}

/// The comparison levels of an organisation: (label, Kolada municipality id). A kommun's län
/// is "00" + the first two digits of its code; a region (4-digit code "00xx") is its own län.
pub fn levels(organisation_code: &str) -> Vec<(&'static str, String)> {
    let code = organisation_code;
    let digits = code.len() == 4 && code.chars().all(|c| c.is_ascii_digit());
    let mut levels = Vec::new();
    if digits && !code.starts_with("00") {
        levels.push(("Kommunen", code.to_string()));
        levels.push(("Länet", format!("00{}", &code[..2])));
    } else if digits {
        levels.push(("Länet", code.to_string()));
    }
    levels.push(("Riket", "0000".to_string()));
    levels
}

/// What a [`KoladaName`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameKind {
    /// A KPI ("N15428").
    Kpi,
    /// A kommun, a län/region or riket ("1880", "0018", "0000").
    Municipality,
}

impl NameKind {
    pub fn as_db(self) -> &'static str {
        match self {
            NameKind::Kpi => "kpi",
            NameKind::Municipality => "municipality",
        }
    }
}

/// The name of a Kolada code, as Kolada's `kpi` and `municipality` lists give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KoladaName {
    pub kind: NameKind,
    pub code: String,
    pub name: String,
}

/// Names of the codes an organisation has imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub kpis: std::collections::HashMap<String, String>,
    pub municipalities: std::collections::HashMap<String, String>,
}

/// The comparison levels by name: (name, municipality id). A level's stored name
/// ("Örebro", "Örebro län"); without one the organisation's own name for its own code,
/// "Riket" for the country and the level's label ("Länet") otherwise — never a bare code.
pub fn named_levels(
    levels: &[(&'static str, String)],
    names: &Names,
    organisation: (&str, &str),
) -> Vec<(String, String)> {
    let (own_code, own_name) = organisation;
    levels
        .iter()
        .map(|(label, code)| {
            let name = match names.municipalities.get(code) {
                Some(name) => name.clone(),
                None if code == own_code && !own_name.is_empty() => own_name.to_string(),
                None => label.to_string(),
            };
            (name, code.clone())
        })
        .collect()
}

/// Longest name kept (Kolada's KPI titles are well below it).
#[cfg(feature = "ssr")]
const MAX_NAME: usize = 300;

#[cfg(feature = "ssr")]
/// Reads Kolada's list of KPIs or municipalities as the API (v3, `/kpi` or `/municipality`)
/// answers and it is saved as a file: `{"values": [{"id", "title", …}]}`. `None` when the file
/// is not such a list (it may be values: see [`parse_file`]); otherwise the names, or every
/// bad entry.
pub fn parse_names(text: &str) -> Option<Result<Vec<KoladaName>, Vec<RowError>>> {
    let file: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    let entries = file.get("values")?.as_array()?;
    if !entries
        .iter()
        .any(|e| e.get("id").is_some() && e.get("title").is_some())
    {
        return None;
    }
    let mut names = Vec::new();
    let mut errors = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let mut problem = |message: String| {
            errors.push(RowError {
                row: i + 1,
                message,
            })
        };
        let code = entry.get("id").and_then(|v| v.as_str()).unwrap_or_default();
        let name = entry
            .get("title")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .trim();
        let kind = if is_kpi(code) {
            NameKind::Kpi
        } else if code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()) {
            NameKind::Municipality
        } else {
            problem(format!(
                "\"{code}\" är varken ett KPI-id (till exempel N00945) eller ett kommun-id (fyra siffror)."
            ));
            continue;
        };
        if name.is_empty() || name.chars().count() > MAX_NAME {
            problem(format!(
                "{code} behöver ett namn (\"title\") på högst {MAX_NAME} tecken."
            ));
            continue;
        }
        names.push(KoladaName {
            kind,
            code: code.to_string(),
            name: name.to_string(),
        });
    }
    if names.len() + errors.len() > MAX_ROWS {
        return Some(Err(vec![RowError {
            row: 0,
            message: format!("Filen har fler än {MAX_ROWS} namn."),
        }]));
    }
    Some(if errors.is_empty() {
        Ok(names)
    } else {
        Err(errors)
    })
}

/// A row that could not be read, with its line (or value) number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub message: String,
}

#[cfg(feature = "ssr")]
#[derive(Deserialize)]
struct KoladaFile {
    values: Vec<KoladaEntry>,
}

#[cfg(feature = "ssr")]
#[derive(Deserialize)]
struct KoladaEntry {
    kpi: String,
    municipality: String,
    period: serde_json::Value,
    values: Vec<KoladaGenderValue>,
}

#[cfg(feature = "ssr")]
#[derive(Deserialize)]
struct KoladaGenderValue {
    gender: String,
    value: Option<f64>,
}

#[cfg(feature = "ssr")]
/// Reads a Kolada file: the API's JSON (`{"values": [{"kpi", "municipality", "period",
/// "values": [{"gender", "value"}]}]}`) or CSV with a header naming kpi, municipality (or
/// municipality_id), period, gender and value. Every bad row is reported; nothing is returned
/// unless the whole file is good.
pub fn parse_file(text: &str) -> Result<Vec<KoladaValue>, Vec<RowError>> {
    let text = text.trim_start_matches('\u{feff}');
    let fail = |row, message: &str| {
        Err(vec![RowError {
            row,
            message: message.to_string(),
        }])
    };
    let raw: Vec<(usize, String, String, String, String, String)> = if text
        .trim_start()
        .starts_with('{')
    {
        let file: KoladaFile = match serde_json::from_str(text) {
            Ok(file) => file,
            Err(error) => {
                return fail(
                    error.line(),
                    "Filen är inte Koladas JSON-format: den ska ha en lista ”values” med kpi, municipality, period och values.",
                );
            }
        };
        let mut rows = Vec::new();
        for (i, entry) in file.values.into_iter().enumerate() {
            let period = match &entry.period {
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            for value in entry.values {
                rows.push((
                    i + 1,
                    entry.kpi.clone(),
                    entry.municipality.clone(),
                    period.clone(),
                    value.gender,
                    value.value.map(|v| v.to_string()).unwrap_or_default(),
                ));
            }
        }
        rows
    } else {
        let table = crate::sv::csv::parse_csv(text);
        let mut records = table.into_iter();
        let Some(header) = records.next() else {
            return fail(1, "Filen är tom.");
        };
        let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let column = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
        let (Some(kpi), Some(municipality), Some(period), Some(gender), Some(value)) = (
            column(&["kpi"]),
            column(&["municipality", "municipality_id", "kommun"]),
            column(&["period", "år"]),
            column(&["gender", "kön"]),
            column(&["value", "värde"]),
        ) else {
            return fail(
                1,
                "Filen saknar någon av kolumnerna kpi, municipality, period, gender och value.",
            );
        };
        records
            .enumerate()
            .map(|(i, r)| {
                let cell = |c: usize| r.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
                (
                    i + 2,
                    cell(kpi),
                    cell(municipality),
                    cell(period),
                    cell(gender),
                    cell(value),
                )
            })
            .collect()
    };
    if raw.len() > MAX_ROWS {
        return fail(0, &format!("Filen har fler än {MAX_ROWS} värden."));
    }
    if raw.is_empty() {
        return fail(0, "Filen har inga värden.");
    }
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for (row, kpi, municipality, period, gender, value) in raw {
        let mut problem = |message: String| errors.push(RowError { row, message });
        if !is_kpi(&kpi) {
            problem(format!("\"{kpi}\" är inget KPI-id (till exempel N00945)."));
            continue;
        }
        if municipality.len() != 4 || !municipality.chars().all(|c| c.is_ascii_digit()) {
            problem(format!(
                "Kommun-id ”{municipality}” ska vara fyra siffror (0000 för riket)."
            ));
            continue;
        }
        let Some(year) = period
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
        else {
            problem(format!("Perioden ”{period}” ska vara ett årtal."));
            continue;
        };
        if !matches!(gender.as_str(), "T" | "K" | "M") {
            problem(format!("Kön ”{gender}” ska vara T, K eller M."));
            continue;
        }
        let value = match crate::sv::number::parse_decimal(&value) {
            Ok(v) => v,
            Err(_) => {
                problem(format!("Värdet ”{value}” är inget tal."));
                continue;
            }
        };
        values.push(KoladaValue {
            kpi,
            municipality,
            year,
            gender,
            value,
        });
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Whether a series is improving: its last value against its first, in the better direction.
fn improving(series: &[f64], direction: Direction) -> Option<bool> {
    let (first, last) = (series.first()?, series.last()?);
    if series.len() < 2 || (last - first).abs() < f64::EPSILON {
        return None;
    }
    Some(match direction {
        Direction::Higher => last > first,
        Direction::Lower => last < first,
        Direction::Within => return None,
    })
}

/// "Samma riktning?": does the effektmått move the way the indicator does?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Both improve.
    BothBetter,
    /// Both get worse.
    BothWorse,
    /// They move apart.
    Different,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::BothBetter => "Samma riktning: både effektmåttet och indikatorn förbättras.",
            Verdict::BothWorse => "Samma riktning: både effektmåttet och indikatorn försämras.",
            Verdict::Different => {
                "Olika riktning: effektmåttet och indikatorn rör sig åt olika håll."
            }
        }
    }
}

/// The verdict, or `None` when either series is too short or flat to say.
pub fn verdict(
    effect: &[f64],
    effect_direction: Direction,
    indicator: &[f64],
    indicator_direction: Direction,
) -> Option<Verdict> {
    match (
        improving(effect, effect_direction)?,
        improving(indicator, indicator_direction)?,
    ) {
        (true, true) => Some(Verdict::BothBetter),
        (false, false) => Some(Verdict::BothWorse),
        _ => Some(Verdict::Different),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn kpi_ids_and_levels() {
        assert!(is_kpi("N00945") && is_kpi("U21468"));
        assert!(!is_kpi("n00945") && !is_kpi("N0094") && !is_kpi("NN0945"));
        assert_eq!(
            kpi_of("Kolada N15428; kommun, län, riket").as_deref(),
            Some("N15428")
        );
        assert_eq!(kpi_of("Kolada; kommun, län, riket"), None);
        assert_eq!(
            levels("1880"),
            [
                ("Kommunen", "1880".to_string()),
                ("Länet", "0018".to_string()),
                ("Riket", "0000".to_string())
            ]
        );
        assert_eq!(
            levels("0018"),
            [("Länet", "0018".to_string()), ("Riket", "0000".to_string())]
        );
    }

    #[test]
    fn levels_are_named_by_stored_names_or_the_organisation_never_by_code() {
        let levels = levels("1880");
        let none = Names::default();
        assert_eq!(
            named_levels(&levels, &none, ("1880", "Örebro kommun")),
            [
                ("Örebro kommun".to_string(), "1880".to_string()),
                ("Länet".to_string(), "0018".to_string()),
                ("Riket".to_string(), "0000".to_string())
            ]
        );
        let mut names = Names::default();
        for (code, name) in [
            ("1880", "Örebro"),
            ("0018", "Örebro län"),
            ("0000", "Riket"),
        ] {
            names.municipalities.insert(code.into(), name.into());
        }
        let named: Vec<String> = named_levels(&levels, &names, ("1880", "Örebro kommun"))
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(named, ["Örebro", "Örebro län", "Riket"]);
    }

    #[test]
    fn kolada_kpi_and_municipality_lists_give_names() {
        let kpis = r#"{"count": 1, "values": [{"id": "N15428", "title": "Elever i åk 9 som är behöriga till ett yrkesprogram, andel (%)", "operating_area": "Grundskola"}]}"#;
        let names = parse_names(kpis).unwrap().unwrap();
        assert_eq!(names[0].kind, NameKind::Kpi);
        assert!(names[0].name.starts_with("Elever i åk 9"));
        let municipalities = r#"{"values": [{"id": "1880", "title": "Örebro", "type": "K"}, {"id": "0018", "title": "Örebro län", "type": "L"}]}"#;
        let names = parse_names(municipalities).unwrap().unwrap();
        assert_eq!(
            names
                .iter()
                .map(|n| (n.kind, n.name.as_str()))
                .collect::<Vec<_>>(),
            [
                (NameKind::Municipality, "Örebro"),
                (NameKind::Municipality, "Örebro län")
            ]
        );
        let bad = r#"{"values": [{"id": "18", "title": "Örebro"}, {"id": "1880", "title": " "}]}"#;
        let errors = parse_names(bad).unwrap().unwrap_err();
        assert_eq!(errors.iter().map(|e| e.row).collect::<Vec<_>>(), [1, 2]);
        // A file of values is not a list of names.
        let values =
            r#"{"values":[{"kpi":"N15428","municipality":"1880","period":2023,"values":[]}]}"#;
        assert_eq!(parse_names(values), None);
        assert_eq!(parse_names("kpi;municipality\n"), None);
    }

    #[test]
    fn kolada_json_and_csv_are_read_and_bad_rows_reported() {
        let json = r#"{"values":[{"kpi":"N15428","municipality":"1880","period":2023,
            "values":[{"gender":"T","status":"","value":71.5,"count":1},{"gender":"K","value":null}]}]}"#;
        let values = parse_file(json).unwrap();
        assert_eq!(values.len(), 2);
        assert_eq!(values[0].value, Some(71.5));
        assert_eq!(values[1].value, None);
        let csv = "kpi;municipality;period;gender;value\nN15428;0000;2023;T;80,1\n";
        assert_eq!(parse_file(csv).unwrap()[0].value, Some(80.1));
        let bad = "kpi,municipality_id,period,gender,value\nX1,1880,2023,T,1\nN15428,188,2023,T,1\nN15428,1880,tjugo,T,1\nN15428,1880,2023,X,1\nN15428,1880,2023,T,mycket\n";
        let errors = parse_file(bad).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.row).collect::<Vec<_>>(),
            [2, 3, 4, 5, 6]
        );
        assert!(
            parse_file("{\"foo\": 1}").unwrap_err()[0]
                .message
                .contains("JSON")
        );
        assert!(
            parse_file("a;b\n1;2\n").unwrap_err()[0]
                .message
                .contains("saknar")
        );
    }

    #[test]
    fn same_direction_verdict() {
        use Direction::*;
        assert_eq!(
            verdict(&[50.0, 60.0], Higher, &[70.0, 72.0], Higher),
            Some(Verdict::BothBetter)
        );
        assert_eq!(
            verdict(&[50.0, 60.0], Higher, &[12.0, 10.0], Lower),
            Some(Verdict::BothBetter)
        );
        assert_eq!(
            verdict(&[50.0, 40.0], Higher, &[70.0, 72.0], Higher),
            Some(Verdict::Different)
        );
        assert_eq!(
            verdict(&[50.0, 40.0], Higher, &[70.0, 65.0], Higher),
            Some(Verdict::BothWorse)
        );
        assert_eq!(verdict(&[50.0], Higher, &[70.0, 72.0], Higher), None);
        assert_eq!(verdict(&[50.0, 50.0], Higher, &[70.0, 72.0], Higher), None);
    }
}
