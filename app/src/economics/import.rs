//! Import of enhetskostnader from a file (CSV as Swedish Excel writes it, or .xlsx): the file's
//! table read into forms by its column names (the export's own), then every line checked like
//! a typed form and against the register. The preview shows each line's verdict; nothing is
//! saved unless every line is fine (pure; unit-tested).

use serde::{Deserialize, Serialize};

use super::{AREAS, UnitCostForm, UnitCostInput};

/// One line of the file as read: its line number in the file (the header is line 1) and its
/// cells as the form would have them.
pub type Line = (usize, UnitCostForm);

/// The lines of `table` (header first), by the export's column names (any case); the
/// internal-only columns are optional. A file without the required columns is refused whole.
pub fn lines_from_table(table: Vec<Vec<String>>) -> Result<Vec<Line>, String> {
    let mut records = table.into_iter();
    let header: Vec<String> = records
        .next()
        .ok_or("Filen är tom.")?
        .into_iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == &name.to_lowercase());
    let required = [
        "Post",
        "Verksamhetsområde",
        "Enhet",
        "Kostnad (kr)",
        "Prisår",
    ];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|name| column(name).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "Filen saknar kolumnerna {}. Utgå från en nedladdad fil med enhetskostnader.",
            missing.join(", ")
        ));
    }
    let at = |name: &str| column(name);
    let (post, area, unit, cost, year) = (
        at("Post"),
        at("Verksamhetsområde"),
        at("Enhet"),
        at("Kostnad (kr)"),
        at("Prisår"),
    );
    let (source, comment) = (at("Källa"), at("Kommentar"));
    let (volume, overhead) = (
        at(super::INTERNAL_COLUMNS[0]),
        at(super::INTERNAL_COLUMNS[1]),
    );
    Ok(records
        .enumerate()
        .filter(|(_, record)| record.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, record)| {
            let cell = |index: Option<usize>| {
                index
                    .and_then(|i| record.get(i))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let area_text = cell(area);
            let area_value = AREAS
                .iter()
                .find(|(value, label)| {
                    area_text.eq_ignore_ascii_case(value)
                        || area_text.to_lowercase() == label.to_lowercase()
                })
                .map_or(area_text.clone(), |(value, _)| value.to_string());
            (
                i + 2,
                UnitCostForm {
                    post: cell(post),
                    area: area_value,
                    unit: cell(unit),
                    cost_sek: cell(cost),
                    price_year: cell(year),
                    source: cell(source),
                    comment: cell(comment),
                    volume: cell(volume),
                    overhead_percent: cell(overhead),
                },
            )
        })
        .collect())
}

/// One line's verdict in the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedLine {
    pub line: usize,
    pub post: String,
    pub price_year: String,
    pub cost_sek: String,
    /// What is wrong, in Swedish; empty when the line can be saved.
    pub problems: Vec<String>,
}

/// Checks every line like the form (and that no post has two costs for one year, in the file
/// or against the register's `existing` (post, year) pairs): the verdicts, and the inputs when
/// every line is fine.
pub fn check(
    lines: &[Line],
    existing: &[(String, i32)],
) -> (Vec<CheckedLine>, Option<Vec<UnitCostInput>>) {
    let mut checked = Vec::new();
    let mut inputs = Vec::new();
    let mut seen: Vec<(String, i32)> = Vec::new();
    for (line, form) in lines {
        let mut problems = Vec::new();
        match UnitCostInput::parse(form) {
            Ok(input) => {
                let key = (input.post.to_lowercase(), input.price_year);
                if existing
                    .iter()
                    .any(|(p, y)| p.to_lowercase() == key.0 && *y == key.1)
                {
                    problems.push(format!(
                        "Posten har redan en kostnad för {} i registret.",
                        input.price_year
                    ));
                } else if seen.contains(&key) {
                    problems.push(format!(
                        "Posten står två gånger för {} i filen.",
                        input.price_year
                    ));
                }
                seen.push(key);
                inputs.push(input);
            }
            Err(crate::error::AppError::Validation(errors)) => {
                problems.extend(errors.into_iter().map(|e| e.message));
            }
            Err(other) => problems.push(other.to_string()),
        }
        checked.push(CheckedLine {
            line: *line,
            post: form.post.clone(),
            price_year: form.price_year.clone(),
            cost_sek: form.cost_sek.clone(),
            problems,
        });
    }
    let all_fine = !checked.is_empty() && checked.iter().all(|c| c.problems.is_empty());
    (checked, all_fine.then_some(inputs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    const HEADER: &[&str] = &[
        "Post",
        "Verksamhetsområde",
        "Enhet",
        "Kostnad (kr)",
        "Prisår",
        "Källa",
    ];

    #[test]
    fn a_file_is_read_by_the_exports_column_names() {
        let lines = lines_from_table(table(&[
            HEADER,
            &[
                "Hemtjänst",
                "Vård och omsorg",
                "per timme",
                "560",
                "2024",
                "KPB",
            ],
            &["", "", "", "", "", ""],
            &["Klotter", "skadegorelse", "per m²", "450", "2024", ""],
        ]))
        .unwrap();
        assert_eq!(lines.len(), 2, "blank lines are skipped");
        assert_eq!(lines[0].0, 2);
        assert_eq!(
            lines[0].1.area, "vard_omsorg",
            "the label is read as the area"
        );
        assert_eq!(lines[1].0, 4);
        assert_eq!(lines[1].1.area, "skadegorelse");
        let error = lines_from_table(table(&[&["Post", "Kostnad"]])).unwrap_err();
        assert!(
            error.contains("Verksamhetsområde") && error.contains("Prisår"),
            "{error}"
        );
        assert_eq!(lines_from_table(vec![]).unwrap_err(), "Filen är tom.");
    }

    #[test]
    fn one_bad_line_keeps_the_whole_file_out() {
        let lines = lines_from_table(table(&[
            HEADER,
            &[
                "Hemtjänst",
                "Vård och omsorg",
                "per timme",
                "560",
                "2024",
                "KPB",
            ],
            &[
                "Hemtjänst",
                "Vård och omsorg",
                "per timme",
                "570",
                "2024",
                "KPB",
            ],
            &["Klotter", "Skadegörelse", "per m²", "många", "2024", ""],
            &[
                "HVB",
                "Individ- och familjeomsorg",
                "per dygn",
                "4 100",
                "2023",
                "",
            ],
        ]))
        .unwrap();
        let existing = [("hvb".to_string(), 2023)];
        let (checked, inputs) = check(&lines, &existing);
        assert!(inputs.is_none());
        assert!(checked[0].problems.is_empty());
        assert!(checked[1].problems[0].contains("två gånger"));
        assert!(checked[2].problems[0].contains("hela kronor"));
        assert!(checked[3].problems[0].contains("redan en kostnad för 2023"));
        let (checked, inputs) = check(&lines[..1], &existing);
        assert!(checked[0].problems.is_empty());
        assert_eq!(inputs.unwrap()[0].cost_sek, 560);
        assert!(
            check(&[], &existing).1.is_none(),
            "an empty file saves nothing"
        );
    }
}
