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
    actor: crate::auth::repo::Actor,
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
