//! Import of values in the long export format: picking the columns out of a table (CSV read by
//! `sv::csv::parse_csv`, or an Excel sheet read by the server) into rows, and checking every
//! row against the satsning's schema and the reporting rules before anything is saved (pure;
//! unit-tested).

use serde::{Deserialize, Serialize};

use super::Period;
use crate::schema::{Measure, Schema, Source};

/// Most rows in one import.
pub const MAX_ROWS: usize = 50_000;

/// One row of the file, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The line (CSV) or row (Excel) number, counting the header as 1.
    pub line: usize,
    pub code: String,
    pub period: String,
    pub value: String,
    pub comment: String,
}

/// Picks the columns Kod, Period, Värde and Kommentar (by their header names, any order, any
/// case) out of a table whose first row is the header.
pub fn rows_from_table(table: Vec<Vec<String>>) -> Result<Vec<ImportRow>, String> {
    let mut records = table.into_iter();
    let header: Vec<String> = records
        .next()
        .ok_or("Filen är tom.")?
        .into_iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(code), Some(period), Some(value)) =
        (column("kod"), column("period"), column("värde"))
    else {
        return Err(
            "Filen saknar kolumnerna Kod, Period och Värde. Utgå från en nedladdad värdefil."
                .into(),
        );
    };
    let comment = column("kommentar");
    let rows: Vec<ImportRow> = records
        .enumerate()
        .map(|(i, record)| {
            let cell = |index: Option<usize>| {
                let text = index
                    .and_then(|i| record.get(i))
                    .map(|s| s.trim())
                    .unwrap_or_default();
                // The export defuses formulas with a leading apostrophe; take it off again.
                text.strip_prefix('\'').unwrap_or(text).to_string()
            };
            ImportRow {
                line: i + 2,
                code: cell(Some(code)).to_uppercase(),
                period: cell(Some(period)),
                value: cell(Some(value)),
                comment: cell(comment),
            }
        })
        .collect();
    if rows.is_empty() {
        return Err("Filen har inga rader med värden.".into());
    }
    if rows.len() > MAX_ROWS {
        return Err(format!(
            "Filen har {} rader. Högst {MAX_ROWS} rader kan importeras åt gången.",
            rows.len()
        ));
    }
    Ok(rows)
}

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedRow {
    pub line: usize,
    pub measure_id: i64,
    pub label: String,
    pub period: Period,
    pub value: Option<f64>,
    pub comment: String,
}

/// Why a row cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// What the rules allow for this import.
pub struct Limits<'a> {
    /// The satsning's reporting months.
    pub months: &'a [Period],
    /// Is the month locked?
    pub locked: &'a dyn Fn(Period) -> bool,
    /// May the importer write into locked months (admin/utvärderare, with a reason)?
    pub may_correct: bool,
}

/// Checks every row; the import is all or nothing, so any error stops the whole file.
pub fn check(
    rows: &[ImportRow],
    schema: &Schema,
    limits: &Limits<'_>,
) -> (Vec<CheckedRow>, Vec<RowError>) {
    let mut checked: Vec<CheckedRow> = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        let mut fail = |message: String| {
            errors.push(RowError {
                line: row.line,
                message,
            })
        };
        let Some(measure) = schema
            .measures
            .iter()
            .find(|m| m.code.eq_ignore_ascii_case(&row.code))
        else {
            fail(format!(
                "Okänd kod ”{}”: satsningen har inget sådant mått.",
                row.code
            ));
            continue;
        };
        if let Some(problem) = measure_problem(measure) {
            fail(format!("{}: {problem}", measure.code));
            continue;
        }
        let Some(period) = Period::parse(&row.period) else {
            fail(format!(
                "Felaktig period ”{}”: skriv ÅÅÅÅ-MM, till exempel 2026-11.",
                row.period
            ));
            continue;
        };
        if !limits.months.contains(&period) {
            fail(format!(
                "Perioden {period} ligger utanför satsningens rapportperiod eller i framtiden."
            ));
            continue;
        }
        if !super::is_due(measure.frequency, period) {
            fail(format!(
                "{} rapporteras per {}: {period} är ingen rapportmånad för måttet.",
                measure.code,
                measure.frequency.label().to_lowercase()
            ));
            continue;
        }
        if (limits.locked)(period) && !limits.may_correct {
            fail(format!(
                "Perioden {period} är låst. En utvärderare eller processledare kan rätta värden i låsta månader."
            ));
            continue;
        }
        let value = match super::parse_value(measure.value_type, &row.value) {
            Ok(value) => value,
            Err(message) => {
                fail(format!("Felaktigt värde ”{}”: {message}", row.value));
                continue;
            }
        };
        if value.is_none() && row.comment.is_empty() {
            fail("Raden har varken värde eller kommentar.".into());
            continue;
        }
        if row.comment.chars().count() > super::month::MAX_COMMENT_CHARS {
            fail(format!(
                "Kommentaren får vara högst {} tecken.",
                super::month::MAX_COMMENT_CHARS
            ));
            continue;
        }
        // A comment is multi-line on the form too; other control characters (NUL, escape
        // codes from another program) are refused here as at the form's edge.
        if let Some(problem) = crate::form::control_character_problem(&row.comment, true) {
            fail(format!("Kommentaren: {problem}"));
            continue;
        }
        if let Some(first) = checked
            .iter()
            .find(|c| c.measure_id == measure.id && c.period == period)
        {
            fail(format!(
                "{} {period} finns redan på rad {}.",
                measure.code, first.line
            ));
            continue;
        }
        checked.push(CheckedRow {
            line: row.line,
            measure_id: measure.id,
            label: format!("{} {}", measure.code, measure.name),
            period,
            value,
            comment: row.comment.clone(),
        });
    }
    (checked, errors)
}

fn measure_problem(measure: &Measure) -> Option<&'static str> {
    if measure.retired {
        Some("måttet är taget ur bruk.")
    } else if measure.source == Source::Survey {
        Some("måttet får sina värden från enkäter, inte från import.")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Frequency, ValueType};

    #[cfg(feature = "ssr")]
    #[test]
    fn csv_as_swedish_excel_writes_it() {
        use crate::sv::csv::parse_csv;
        let text = "\u{feff}\"Satsning\";\"Kod\";\"Period\";\"Värde\";\"Kommentar\"\r\n\"Läxhjälp\";\"a1\";\"2026-10\";12;\"Sa \"\"hej\"\"; sen\"\r\n\r\n;\"E1\";2026-10;\"12,5\";\r\n";
        let table = parse_csv(text);
        assert_eq!(table.len(), 3);
        assert_eq!(table[1][4], "Sa \"hej\"; sen");
        let rows = rows_from_table(table).unwrap();
        assert_eq!(rows[0].code, "A1");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].value, "12,5");
        assert_eq!(rows[1].comment, "");
        let commas = parse_csv("Kod,Period,Värde\nA1,2026-10,\"12,5\"\n");
        assert_eq!(commas[1], ["A1", "2026-10", "12,5"]);
        assert!(
            rows_from_table(parse_csv("Namn;Tal\nx;1\n"))
                .unwrap_err()
                .contains("saknar kolumnerna")
        );
        assert!(
            rows_from_table(parse_csv("Kod;Period;Värde\n"))
                .unwrap_err()
                .contains("inga rader")
        );
    }

    fn measure(id: i64, code: &str, value_type: ValueType, frequency: Frequency) -> Measure {
        Measure {
            code: code.into(),
            value_type,
            frequency,
            ..Measure::example(id)
        }
    }

    #[test]
    fn every_bad_row_is_found() {
        let schema = Schema {
            goals: Vec::new(),
            measures: vec![
                measure(1, "A1", ValueType::Count, Frequency::Monthly),
                measure(2, "E1", ValueType::Share, Frequency::Quarterly),
                Measure {
                    retired: true,
                    ..measure(3, "A2", ValueType::Count, Frequency::Monthly)
                },
            ],
            effects: Vec::new(),
        };
        let months = Period::range(
            Period::parse("2026-01").unwrap(),
            Period::parse("2026-10").unwrap(),
        );
        let locked = |p: Period| p < Period::parse("2026-09").unwrap();
        let limits = Limits {
            months: &months,
            locked: &locked,
            may_correct: false,
        };
        let row = |line, code: &str, period: &str, value: &str| ImportRow {
            line,
            code: code.into(),
            period: period.into(),
            value: value.into(),
            comment: String::new(),
        };
        let rows = [
            row(2, "A1", "2026-10", "12"),
            row(3, "X9", "2026-10", "1"),
            row(4, "A1", "okt 2026", "1"),
            row(5, "A1", "2027-01", "1"),
            row(6, "A1", "2026-10", "3,5"),
            row(7, "A1", "2026-05", "1"),
            row(8, "E1", "2026-10", "50"),
            row(9, "A1", "2026-10", "13"),
            row(10, "A2", "2026-10", "1"),
            row(11, "A1", "2026-09", ""),
            row(12, "E1", "2026-09", "55 %"),
        ];
        let (ok, errors) = check(&rows, &schema, &limits);
        assert_eq!(ok.iter().map(|c| c.line).collect::<Vec<_>>(), [2, 12]);
        assert_eq!(ok[1].value, Some(55.0));
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 10, 11]);
        let message = |line| {
            errors
                .iter()
                .find(|e| e.line == line)
                .unwrap()
                .message
                .clone()
        };
        assert!(message(3).contains("Okänd kod"));
        assert!(message(4).contains("Felaktig period"));
        assert!(message(5).contains("utanför"));
        assert!(message(6).contains("heltal"));
        assert!(message(7).contains("låst"));
        assert!(message(8).contains("kvartal"));
        assert!(message(9).contains("finns redan på rad 2"));
        assert!(message(10).contains("ur bruk"));
        assert!(message(11).contains("varken värde eller kommentar"));

        let staff = Limits {
            may_correct: true,
            ..limits
        };
        let (ok, _) = check(&rows[5..6], &schema, &staff);
        assert_eq!(ok.len(), 1, "admin may correct a locked month");

        let commented = |comment: &str| ImportRow {
            comment: comment.into(),
            ..row(2, "A1", "2026-10", "12")
        };
        let (ok, errors) = check(&[commented("rad ett\nrad två")], &schema, &limits);
        assert_eq!((ok.len(), errors.len()), (1, 0), "line breaks are fine");
        let (ok, errors) = check(&[commented("a\u{0}b")], &schema, &limits);
        assert_eq!(ok.len(), 0);
        assert!(errors[0].message.contains("styrtecken"));
    }
}
