//! Writing audit rows (reading them comes with the Historik view).

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
    actor: super::Actor,
    object_type: &'static str,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if changes.is_empty() {
        return Ok(());
    }
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

/// Appends the usual event — `actor` did `action` to one object — inside `tx`.
pub async fn record_change(
    tx: &mut Tx,
    actor: super::Actor,
    action: super::Action,
    object_type: &'static str,
    object_id: i64,
    changes: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let event = Event {
        organisation_id: Some(actor.organisation_id),
        actor_user_id: Some(actor.user_id),
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
