//! An audit row's changes as people read them: Swedish field names, names instead of ids,
//! labels instead of stored codes, kronor and decimals written the Swedish way.

use std::collections::HashMap;

use serde_json::Value;

use crate::sv::number::{format_decimal, format_sek};

/// Names the history shows instead of the ids stored in a change (parties, projektledare).
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub parties: HashMap<i64, String>,
    pub users: HashMap<i64, String>,
}

/// Swedish name of an audited field.
pub fn field_label(field: &str) -> &str {
    match field {
        "name" => "Namn",
        "email" => "E-post",
        "roles" => "Roller",
        "active" => "Aktivt konto",
        "password" => "Lösenord",
        "password_link" => "Lösenordslänk",
        "path" => "Sida",
        "status" => "Status",
        "summary" => "Beskrivning",
        "target_group" => "Målgrupp",
        "owner_names" => "Ägare",
        "start" => "Start",
        "end" => "Slut",
        "budget_sek" => "Budget",
        "budget_years" => "Budget per år",
        "repayment" => "Återföring",
        "parties" => "Parter",
        "leads" => "Projektledare",
        "code" => "Kod",
        "definition" => "Definition",
        "unit" => "Enhet",
        "value_type" => "Värdetyp",
        "frequency" => "Frekvens",
        "direction" => "Riktning",
        "target" => "Målvärde",
        "baseline" => "Baslinje",
        "milestones" => "Delmål",
        "tolerance_yellow" => "Tolerans gul",
        "tolerance_red" => "Tolerans röd",
        "interval" => "Intervall",
        "source" => "Datakälla",
        "comparison" => "Jämförelse",
        "retired" => "Ur bruk",
        "position" => "Ordning",
        "file_name" => "Fil",
        "text" => "Text",
        "horizon" => "Sikt",
        "yearly_sek" => "Belopp per år",
        "value" => "Värde",
        "comment" => "Kommentar",
        "period" => "Månad",
        "reason" => "Orsak",
        "submitted" => "Inrapporterad",
        "rows" => "Rader",
        other => other,
    }
}

/// One stored value of `field`, shown.
fn show(field: &str, value: Option<&Value>, names: &Names) -> String {
    let Some(value) = value else {
        return String::new();
    };
    let label_of = |code: &str| -> Option<&'static str> {
        use crate::schema::{Direction, Frequency, Horizon, Source, ValueType};
        match field {
            "status" => crate::initiative::Status::from_db(code).map(|s| s.label()),
            "value_type" => ValueType::from_db(code).map(|v| v.label()),
            "frequency" => Frequency::from_db(code).map(|v| v.label()),
            "direction" => Direction::from_db(code).map(|v| v.label()),
            "source" => Source::from_db(code).map(|v| v.label()),
            "horizon" => Horizon::from_db(code).map(|v| v.label()),
            "roles" => crate::auth::Role::from_db(code).map(|r| r.label()),
            _ => None,
        }
    };
    let name_of = |id: i64| -> Option<String> {
        match field {
            "parties" => names.parties.get(&id).cloned(),
            "leads" => names.users.get(&id).cloned(),
            _ => None,
        }
    };
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "ja".into(),
        Value::Bool(false) => "nej".into(),
        Value::String(text) => label_of(text).map_or_else(|| text.clone(), str::to_string),
        Value::Number(n) => match (field, n.as_i64(), n.as_f64()) {
            ("budget_sek" | "yearly_sek", Some(kronor), _) => format_sek(kronor),
            (_, Some(id), _) if name_of(id).is_some() => name_of(id).unwrap_or_default(),
            (_, _, Some(number)) => format_decimal(number),
            _ => n.to_string(),
        },
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                // Budget per år: [år, kronor].
                Value::Array(pair) if field == "budget_years" && pair.len() == 2 => format!(
                    "{}: {}",
                    pair[0],
                    pair[1]
                        .as_i64()
                        .map_or_else(|| pair[1].to_string(), format_sek)
                ),
                other => show(field, Some(other), names),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => value.to_string(),
    }
}

/// A stored `changes` JSON object as (field, before, after) rows.
pub fn describe_changes(changes: &str, names: &Names) -> Vec<(String, String, String)> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(changes) else {
        return Vec::new();
    };
    map.iter()
        .map(|(field, value)| {
            let label = field_label(field).to_string();
            match value {
                Value::Object(pair)
                    if pair.contains_key("after") || pair.contains_key("before") =>
                {
                    (
                        label,
                        show(field, pair.get("before"), names),
                        show(field, pair.get("after"), names),
                    )
                }
                other => (label, String::new(), show(field, Some(other), names)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_described_in_swedish_with_names_and_formats() {
        let names = Names {
            parties: HashMap::from([(4, "Socialnämnden".to_string())]),
            users: HashMap::from([(7, "Sara Lind".to_string())]),
        };
        let rows = describe_changes(
            r#"{"name":{"before":"Anna","after":"Anna B"},"active":{"before":true,"after":false},
                "roles":{"after":["admin","lasare"]},"budget_sek":{"before":1000000,"after":1250000},
                "parties":{"before":[],"after":[4]},"leads":{"after":[7]},
                "status":{"before":"beslutad","after":"pagaende"},"value":{"before":null,"after":62.5},
                "budget_years":{"after":[[2026,500000]]}}"#,
            &names,
        );
        let plain = |t: &str| t.replace('\u{a0}', " ");
        let has = |f: &str, b: &str, a: &str| {
            rows.iter()
                .any(|(rf, rb, ra)| rf == f && plain(rb) == b && plain(ra) == a)
        };
        assert!(has("Namn", "Anna", "Anna B"));
        assert!(has("Aktivt konto", "ja", "nej"));
        assert!(has("Roller", "", "Processledare, Läsare"), "{rows:?}");
        assert!(has("Budget", "1 000 000 kr", "1 250 000 kr"), "{rows:?}");
        assert!(has("Parter", "", "Socialnämnden"));
        assert!(has("Projektledare", "", "Sara Lind"));
        assert!(has("Status", "Beslutad", "Pågående"));
        assert!(has("Värde", "", "62,5"));
        assert!(has("Budget per år", "", "2026: 500 000 kr"), "{rows:?}");
        assert!(describe_changes("not json", &names).is_empty());
    }
}
