//! Server functions of the Historik pages: one object's history, and the Händelselogg of the
//! whole organisation with its filters.

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One event as the tables show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Local time, "2026-11-25 15:05".
    pub at: String,
    pub action: String,
    pub actor: String,
    /// (field, before, after)
    pub changes: Vec<(String, String, String)>,
}

/// Object types with a Historik page, and their Swedish names.
pub fn object_label(object_type: &str) -> Option<&'static str> {
    match object_type {
        "user_account" => Some("användare"),
        "initiative" => Some("satsning"),
        "measure" => Some("mått"),
        "goal" => Some("mål"),
        "activity" => Some("aktivitet"),
        "party" => Some("part"),
        "document" => Some("dokument"),
        "economic_effect" => Some("ekonomisk effekt"),
        "measure_value" => Some("värde"),
        "report_period" => Some("rapporteringsmånad"),
        "value_import" => Some("värdeimport"),
        "indicator_import" => Some("import av jämförelsevärden"),
        "survey" => Some("enkät"),
        "survey_question" => Some("enkätfråga"),
        "survey_wave" => Some("utskick av enkät"),
        "survey_transfer" => Some("överföring från enkät"),
        "server_fn" => Some("anrop"),
        "unit_cost" => Some("enhetskostnad"),
        "price_index" => Some("prisindex"),
        "economic_calculation" => Some("ekonomisk kalkyl"),
        "economic_effect_row" => Some("effektrad"),
        "repayment_plan" => Some("återföringsplan"),
        "repayment" => Some("återbetalning"),
        "half_year_report" => Some("halvårsredovisning"),
        "follow_up" => Some("uppföljande utvärdering"),
        _ => None,
    }
}

/// The kinds of event the log filters by: (value in the address, label, object types, actions).
pub const KINDS: [(&str, &str, &[&str], &[&str]); 10] = [
    ("satsning", "Satsningar och status", &["initiative"], &[]),
    (
        "schema",
        "Utvärderingsschema",
        &["goal", "activity", "measure", "economic_effect"],
        &[],
    ),
    (
        "varden",
        "Värden och rapportering",
        &["measure_value", "report_period", "value_import"],
        &[],
    ),
    ("dokument", "Dokument", &["document"], &[]),
    ("parter", "Parter", &["party"], &[]),
    (
        "ekonomi",
        "Enhetskostnader och kalkyler",
        &[
            "unit_cost",
            "price_index",
            "economic_calculation",
            "economic_effect_row",
            "repayment_plan",
            "repayment",
        ],
        &[],
    ),
    ("jamforelse", "Jämförelsevärden", &["indicator_import"], &[]),
    (
        "halvar",
        "Halvårsredovisningar och uppföljningar",
        &["half_year_report", "follow_up"],
        &[],
    ),
    (
        "anvandare",
        "Användare och roller",
        &["user_account"],
        &["create", "update", "delete"],
    ),
    (
        "inloggning",
        "Inloggningar och nekad åtkomst",
        &[],
        &["login", "login_failed", "logout", "access_denied"],
    ),
];

/// The Händelselogg's filters as the address gives them (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogQuery {
    /// Från (ÅÅÅÅ-MM-DD).
    #[serde(default)]
    pub fran: String,
    /// Till och med (ÅÅÅÅ-MM-DD).
    #[serde(default)]
    pub till: String,
    #[serde(default)]
    pub anvandare: String,
    #[serde(default)]
    pub satsning: String,
    #[serde(default)]
    pub typ: String,
}

/// At most this many events are shown; the page says so when there are more.
pub const LOG_ROWS: usize = 200;

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub entry: HistoryEntry,
    /// "mått E1 Andel …": the object's kind and name.
    pub object: String,
    /// Its Historik page, when it has one.
    pub object_href: Option<String>,
    pub initiative: Option<(i64, String)>,
}

/// The Händelselogg page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogData {
    pub query: LogQuery,
    pub entries: Vec<LogEntry>,
    /// More events match than are shown.
    pub more: bool,
    pub users: Vec<(i64, String)>,
    pub initiatives: Vec<(i64, String)>,
}

/// The log's time window from its two dates: from the start of `fran` to the end of `till`, in
/// Swedish local time. A date that is not a date, or a `till` before `fran`, is refused.
pub fn log_window(
    fran: &str,
    till: &str,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
    let date = |raw: &str, what: &str| -> Result<Option<NaiveDate>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        crate::sv::number::parse_date(raw).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Skriv {what} som ÅÅÅÅ-MM-DD, till exempel 2026-11-10."
            ))
        })
    };
    let (from, to) = (date(fran, "från-datumet")?, date(till, "till-datumet")?);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(AppError::BadRequest(
            "Till-datumet ligger före från-datumet.".into(),
        ));
    }
    Ok((from, to))
}

#[cfg(feature = "ssr")]
mod load {
    use super::{HistoryEntry, object_label};
    use crate::history::describe::{Names, describe_changes};

    /// The names the changes may refer to by id.
    pub async fn names(
        db: &crate::db::Db,
        organisation_id: i64,
    ) -> Result<Names, crate::error::AppError> {
        let parties = crate::party::repo::list(db, organisation_id).await?;
        let users = crate::auth::repo::list(db, organisation_id).await?;
        Ok(Names {
            parties: parties.into_iter().map(|p| (p.id, p.name)).collect(),
            users: users.into_iter().map(|(u, _)| (u.id, u.name)).collect(),
        })
    }

    pub fn entry(
        at: chrono::DateTime<chrono::Utc>,
        action: &str,
        actor: Option<String>,
        changes: &str,
        names: &Names,
    ) -> HistoryEntry {
        HistoryEntry {
            at: crate::sv::time::local(at),
            action: crate::audit::Action::from_db(action)
                .map_or(action.to_string(), |a| a.label().to_string()),
            actor: actor.unwrap_or_else(|| "–".into()),
            changes: describe_changes(changes, names),
        }
    }

    /// "mått E1 Andel …".
    pub fn object_text(object_type: &str, name: Option<&str>) -> String {
        let kind = object_label(object_type).unwrap_or(object_type);
        match name {
            Some(name) => format!("{kind} {name}"),
            None => kind.to_string(),
        }
    }
}

/// The history of one object of the caller's organisation.
#[server(endpoint = "historik")]
pub async fn object_history(typ: String, id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    use crate::auth::Role;
    // The same rule as the page (`auth::page_access`): accounts' histories (logins, roles)
    // are admin's, like user administration.
    let roles = match crate::auth::page_access(&format!("/historik/{typ}")) {
        crate::auth::Access::Roles(roles) => roles,
        crate::auth::Access::Public => &[Role::Admin][..],
    };
    let user = crate::auth::require(roles).await?;
    if object_label(&typ).is_none() {
        return Err(AppError::NotFound);
    }
    let db = expect_context::<crate::db::Db>();
    let names = load::names(&db, user.organisation_id).await?;
    let rows = crate::audit::repo::for_object(&db, user.organisation_id, &typ, id).await?;
    Ok(rows
        .into_iter()
        .map(|row| load::entry(row.at, &row.action, row.actor, &row.changes, &names))
        .collect())
}

/// Händelselogg: the organisation's events, newest first, narrowed by period, user, satsning
/// and kind. Admin and utvärderare; accounts' events (logins, roles) only for admin.
#[server(endpoint = "historik/logg")]
pub async fn audit_log(query: LogQuery) -> Result<LogData, AppError> {
    use crate::auth::Role;
    let user = crate::auth::require(&[Role::Admin, Role::Evaluator]).await?;
    let admin = user.has_any(&[Role::Admin]);
    let (from, to) = log_window(&query.fran, &query.till)?;
    let kind = match query.typ.as_str() {
        "" => None,
        typ => Some(
            KINDS
                .iter()
                .find(|k| k.0 == typ)
                .ok_or_else(|| AppError::BadRequest("Okänd typ av händelse.".into()))?,
        ),
    };
    if !admin && kind.is_some_and(|k| k.0 == "anvandare" || k.0 == "inloggning") {
        return Err(AppError::Forbidden);
    }
    let number = |raw: &str| raw.trim().parse::<i64>().ok();
    let local_midnight = |date: NaiveDate| {
        use chrono::TimeZone;
        chrono_tz::Europe::Stockholm
            .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let mut filter = crate::audit::repo::LogFilter {
        from: from.and_then(local_midnight),
        until: to.and_then(|d| d.succ_opt()).and_then(local_midnight),
        actor_user_id: number(&query.anvandare),
        initiative_id: number(&query.satsning),
        object_types: kind.map(|k| k.2.to_vec()).unwrap_or_default(),
        actions: kind.map(|k| k.3.to_vec()).unwrap_or_default(),
    };
    if !admin && filter.object_types.is_empty() {
        // Utvärderare see the domain's events, not the accounts'.
        filter.object_types = KINDS
            .iter()
            .filter(|k| k.0 != "anvandare" && k.0 != "inloggning")
            .flat_map(|k| k.2.iter().copied())
            .collect();
    }
    let db = expect_context::<crate::db::Db>();
    let names = load::names(&db, user.organisation_id).await?;
    let mut rows =
        crate::audit::repo::log(&db, user.organisation_id, &filter, LOG_ROWS as i64 + 1).await?;
    let more = rows.len() > LOG_ROWS;
    rows.truncate(LOG_ROWS);
    let entries = rows
        .into_iter()
        .map(|row| LogEntry {
            object: load::object_text(&row.object_type, row.object_name.as_deref()),
            object_href: match (row.object_type.as_str(), row.object_id) {
                ("user_account", Some(_)) if !admin => None,
                (typ, Some(id)) if object_label(typ).is_some() && typ != "server_fn" => {
                    Some(format!("/historik/{typ}/{id}"))
                }
                _ => None,
            },
            initiative: row.initiative_id.zip(row.initiative_name),
            entry: load::entry(row.at, &row.action, row.actor, &row.changes, &names),
        })
        .collect();
    let mut users: Vec<(i64, String)> = names.users.into_iter().collect();
    users.sort_by(|a, b| a.1.cmp(&b.1));
    let mut initiatives: Vec<(i64, String)> =
        crate::initiative::repo::list(&db, user.organisation_id)
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect();
    initiatives.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(LogData {
        query,
        entries,
        more,
        users,
        initiatives,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_checked() {
        assert_eq!(log_window("", "").unwrap(), (None, None));
        let (from, to) = log_window("2026-11-01", "2026-11-30").unwrap();
        assert_eq!(from, NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(to, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert!(matches!(
            log_window("igår", ""),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            log_window("2026-11-30", "2026-11-01"),
            Err(AppError::BadRequest(m)) if m.contains("före")
        ));
    }

    #[test]
    fn every_kind_has_types_or_actions_of_the_code_itself() {
        for (value, label, types, actions) in KINDS {
            assert!(!types.is_empty() || !actions.is_empty(), "{value}");
            assert!(!label.is_empty());
            for typ in types {
                assert!(object_label(typ).is_some(), "{typ} has a Swedish name");
            }
            for action in actions {
                assert!(crate::audit::Action::from_db(action).is_some(), "{action}");
            }
        }
    }
}
