//! Writing audit rows, and reading them back for the Historik pages (`crate::history`).

use chrono::{DateTime, Utc};

use super::Event;
use crate::db::Tx;
use crate::on_tx;

/// Appends `event` inside `tx`: it commits or rolls back together with the change.
pub async fn record(tx: &mut Tx, event: &Event, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO audit_event
               (organisation_id, actor_user_id, action, object_type, object_id, changes, ip, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(event.organisation_id)
        .bind(event.actor_user_id)
        .bind(event.action.as_db())
        .bind(event.object_type)
        .bind(event.object_id)
        .bind(&event.changes)
        .bind(&event.ip)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// One change among many to record at once: what was done, to which object, which fields.
pub struct Change {
    pub action: super::Action,
    pub object_id: Option<i64>,
    pub changes: serde_json::Value,
}

/// Appends one event per change — `actor` did each to an object of `object_type` — in a single
/// statement inside `tx` (a month of 40 values is one round trip, not forty).
pub async fn record_changes(
    tx: &mut Tx,
    actor: impl Into<super::Agent>,
    object_type: &'static str,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if changes.is_empty() {
        return Ok(());
    }
    let actor: super::Agent = actor.into();
    on_tx!(tx, |conn| {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO audit_event (organisation_id, actor_user_id, action, object_type, object_id, changes, at) ",
        );
        insert.push_values(changes, |mut row, change| {
            row.push_bind(actor.organisation_id)
                .push_bind(actor.user_id)
                .push_bind(change.action.as_db())
                .push_bind(object_type)
                .push_bind(change.object_id)
                .push_bind(change.changes.to_string())
                .push_bind(now);
        });
        insert.build().execute(conn).await.map(|_| ())
    })
}

/// Appends a single event in its own transaction (events with no accompanying change:
/// logins, logouts, denied access).
pub async fn record_alone(
    db: &crate::db::Db,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    record(&mut tx, event, now).await?;
    tx.commit().await
}

/// One row of an object's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: Option<String>,
    pub changes: String,
}

/// The history of one object in `organisation_id`, newest first (at most 500 rows).
pub async fn for_object(
    db: &crate::db::Db,
    organisation_id: i64,
    object_type: &str,
    object_id: i64,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    crate::db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT e.at, e.action, u.name AS actor, e.changes
             FROM audit_event e LEFT JOIN user_account u ON u.id = e.actor_user_id
             WHERE e.organisation_id = $1 AND e.object_type = $2 AND e.object_id = $3
             ORDER BY e.at DESC, e.id DESC
             LIMIT 500",
        )
        .bind(organisation_id)
        .bind(object_type)
        .bind(object_id)
        .fetch_all(pool)
        .await
    })
}

/// What the Händelselogg is narrowed to (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// From this time on (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub until: Option<DateTime<Utc>>,
    pub actor_user_id: Option<i64>,
    /// Events of this satsning and of everything in it (schema, values, documents…).
    pub initiative_id: Option<i64>,
    /// Object types, e.g. `["measure"]`, or the login events' `["user_account"]`.
    pub object_types: Vec<&'static str>,
    /// Actions, e.g. `["login", "login_failed"]` (empty: any).
    pub actions: Vec<&'static str>,
}

/// One row of the Händelselogg: an event with the names of who, what and which satsning.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LogRow {
    pub at: DateTime<Utc>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub actor: Option<String>,
    pub object_name: Option<String>,
    pub initiative_id: Option<i64>,
    pub initiative_name: Option<String>,
    pub changes: String,
}

/// The satsning an event belongs to, from its object (NULL when the object is gone or belongs
/// to none). One expression, so the filter and the shown name agree.
const EVENT_INITIATIVE: &str = "CASE e.object_type
    WHEN 'initiative' THEN e.object_id
    WHEN 'report_period' THEN e.object_id
    WHEN 'measure' THEN (SELECT m.initiative_id FROM measure m WHERE m.id = e.object_id)
    WHEN 'goal' THEN (SELECT g.initiative_id FROM goal g WHERE g.id = e.object_id)
    WHEN 'activity' THEN (SELECT g.initiative_id FROM activity a JOIN goal g ON g.id = a.goal_id
                          WHERE a.id = e.object_id)
    WHEN 'economic_effect' THEN (SELECT x.initiative_id FROM economic_effect x WHERE x.id = e.object_id)
    WHEN 'document' THEN (SELECT d.initiative_id FROM document d WHERE d.id = e.object_id)
    WHEN 'measure_value' THEN (SELECT m.initiative_id FROM measure_value v
                               JOIN measure m ON m.id = v.measure_id WHERE v.id = e.object_id)
    WHEN 'value_import' THEN (SELECT x.initiative_id FROM value_import x WHERE x.id = e.object_id)
    WHEN 'half_year_report' THEN (SELECT x.initiative_id FROM half_year_report x WHERE x.id = e.object_id)
  END";

/// The name of an event's object as people know it.
const EVENT_OBJECT_NAME: &str = "CASE e.object_type
    WHEN 'initiative' THEN (SELECT x.name FROM initiative x WHERE x.id = e.object_id)
    WHEN 'user_account' THEN (SELECT x.name FROM user_account x WHERE x.id = e.object_id)
    WHEN 'party' THEN (SELECT x.name FROM party x WHERE x.id = e.object_id)
    WHEN 'measure' THEN (SELECT x.code || ' ' || x.name FROM measure x WHERE x.id = e.object_id)
    WHEN 'measure_value' THEN (SELECT m.code || ' ' || m.name FROM measure_value v
                               JOIN measure m ON m.id = v.measure_id WHERE v.id = e.object_id)
    WHEN 'goal' THEN (SELECT x.text FROM goal x WHERE x.id = e.object_id)
    WHEN 'activity' THEN (SELECT x.text FROM activity x WHERE x.id = e.object_id)
    WHEN 'economic_effect' THEN (SELECT x.text FROM economic_effect x WHERE x.id = e.object_id)
    WHEN 'document' THEN (SELECT x.file_name FROM document x WHERE x.id = e.object_id)
    WHEN 'half_year_report' THEN (SELECT x.year || '-H' || x.half FROM half_year_report x
                                  WHERE x.id = e.object_id)
  END";

/// The organisation's events under `filter`, newest first, at most `limit`.
pub async fn log(
    db: &crate::db::Db,
    organisation_id: i64,
    filter: &LogFilter,
    limit: i64,
) -> Result<Vec<LogRow>, sqlx::Error> {
    crate::db_read!(db, |pool| {
        let mut sql = sqlx::QueryBuilder::new(format!(
            "SELECT * FROM (
               SELECT e.id, e.at, e.action, e.object_type, e.object_id, u.name AS actor,
                      {EVENT_OBJECT_NAME} AS object_name, {EVENT_INITIATIVE} AS initiative_id,
                      e.changes
               FROM audit_event e LEFT JOIN user_account u ON u.id = e.actor_user_id
               WHERE e.organisation_id = "
        ));
        sql.push_bind(organisation_id);
        if let Some(from) = filter.from {
            sql.push(" AND e.at >= ").push_bind(from);
        }
        if let Some(until) = filter.until {
            sql.push(" AND e.at < ").push_bind(until);
        }
        if let Some(actor) = filter.actor_user_id {
            sql.push(" AND e.actor_user_id = ").push_bind(actor);
        }
        for (column, values) in [
            ("e.object_type", &filter.object_types),
            ("e.action", &filter.actions),
        ] {
            if !values.is_empty() {
                sql.push(format!(" AND {column} IN ("));
                let mut list = sql.separated(", ");
                for value in values {
                    list.push_bind(*value);
                }
                list.push_unseparated(")");
            }
        }
        sql.push(
            ") l LEFT JOIN (SELECT id AS satsning_id, name AS initiative_name FROM initiative) i
                 ON i.satsning_id = l.initiative_id WHERE 1 = 1",
        );
        if let Some(initiative) = filter.initiative_id {
            sql.push(" AND l.initiative_id = ").push_bind(initiative);
        }
        sql.push(" ORDER BY l.at DESC, l.id DESC LIMIT ")
            .push_bind(limit);
        sql.build_query_as().fetch_all(pool).await
    })
}

/// Appends the usual event — `actor` did `action` to one object — inside `tx`.
pub async fn record_change(
    tx: &mut Tx,
    actor: impl Into<super::Agent>,
    action: super::Action,
    object_type: &'static str,
    object_id: i64,
    changes: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let actor: super::Agent = actor.into();
    let event = Event {
        organisation_id: Some(actor.organisation_id),
        actor_user_id: actor.user_id,
        action,
        object_type,
        object_id: Some(object_id),
        changes: changes.to_string(),
        ip: None,
    };
    record(tx, &event, now).await
}

/// The fields whose value changed, as `{"field": {"before": …, "after": …}}` for an audit row
/// (unchanged fields are left out; empty when nothing changed).
pub fn changed_fields<const N: usize>(
    pairs: [(&str, serde_json::Value, serde_json::Value); N],
) -> serde_json::Map<String, serde_json::Value> {
    pairs
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| {
            (
                field.to_string(),
                serde_json::json!({ "before": before, "after": after }),
            )
        })
        .collect()
}

/// The fields of the JSON object `after` whose value differs from `before`'s, in the same
/// `{"field": {"before": …, "after": …}}` form as [`changed_fields`] (for records kept as JSON).
pub fn changed_between(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    after
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(field, value)| before.get(field.as_str()) != Some(value))
        .map(|(field, value)| {
            (
                field.clone(),
                serde_json::json!({ "before": before[field.as_str()], "after": value }),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_recorded_before_and_after() {
        let changes = changed_fields([
            ("name", json!("Anna"), json!("Anna")),
            ("email", json!("a@x.se"), json!("anna@x.se")),
        ]);
        assert_eq!(
            serde_json::Value::Object(changes),
            json!({ "email": { "before": "a@x.se", "after": "anna@x.se" } })
        );
        let changes = changed_between(
            &json!({ "name": "Deltagare", "unit": "st", "target": null }),
            &json!({ "name": "Deltagare", "unit": "personer", "target": 40 }),
        );
        assert_eq!(
            serde_json::Value::Object(changes),
            json!({
                "unit": { "before": "st", "after": "personer" },
                "target": { "before": null, "after": 40 }
            })
        );
    }
}
