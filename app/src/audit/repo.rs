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
