//! SQL for uppföljande utvärderingar: the one follow-up per satsning, its methods, and the
//! statuses the portfolio filters on. Scoped by the organisation; the caller has checked access
//! to the satsning. Every change writes its audit row (`follow_up`) in the same transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::json;

use super::follow_up::{FollowUpInput, FollowUpStatus, Implementation, MethodStatus};
use crate::audit::repo::record_change;
use crate::audit::{Action, Actor};
use crate::db::{Db, Tx};
use crate::error::AppError;
use crate::{db_read, on_tx};

/// A satsning's follow-up as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpRow {
    pub id: i64,
    pub status: FollowUpStatus,
    pub texts: BTreeMap<String, String>,
    pub methods: Vec<MethodStatus>,
    /// When and by whom it was submitted, and approved.
    pub submitted: Option<(DateTime<Utc>, String)>,
    pub approved: Option<(DateTime<Utc>, String)>,
}

type RowTuple = (
    i64,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// The follow-up of `initiative_id`, if anyone has saved it.
pub async fn get(
    db: &Db,
    organisation_id: i64,
    initiative_id: i64,
) -> Result<Option<FollowUpRow>, AppError> {
    let row: Option<RowTuple> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT f.id, f.status, f.narratives, f.submitted_at, s.name, f.approved_at, a.name
             FROM follow_up f
             LEFT JOIN user_account s ON s.id = f.submitted_by
             LEFT JOIN user_account a ON a.id = f.approved_by
             WHERE f.organisation_id = $1 AND f.initiative_id = $2",
        )
        .bind(organisation_id)
        .bind(initiative_id)
        .fetch_optional(pool)
        .await
    })?;
    let Some((id, status, texts, submitted_at, submitted_by, approved_at, approved_by)) = row
    else {
        return Ok(None);
    };
    let methods: Vec<(i64, String, Option<i64>, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT activity_id, status, party_id, comment FROM follow_up_method
             WHERE follow_up_id = $1 ORDER BY activity_id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    Ok(Some(FollowUpRow {
        id,
        status: FollowUpStatus::from_db(&status).ok_or(AppError::Internal)?,
        texts: serde_json::from_str(&texts).unwrap_or_default(),
        methods: methods
            .into_iter()
            .filter_map(|(activity_id, status, party_id, comment)| {
                Some(MethodStatus {
                    activity_id,
                    status: Implementation::from_db(&status)?,
                    party_id,
                    comment,
                })
            })
            .collect(),
        submitted: submitted_at.zip(submitted_by),
        approved: approved_at.zip(approved_by),
    }))
}

/// The follow-up's id and status inside `tx`, created as an utkast when nobody saved it yet.
async fn working_copy(
    tx: &mut Tx,
    actor: Actor,
    initiative_id: i64,
    now: DateTime<Utc>,
) -> Result<(i64, FollowUpStatus), AppError> {
    let inserted: Option<i64> = on_tx!(&mut *tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO follow_up
               (organisation_id, initiative_id, status, narratives, created_at, updated_at)
             VALUES ($1, $2, 'utkast', '{}', $3, $3)
             ON CONFLICT (initiative_id) DO NOTHING
             RETURNING id",
        )
        .bind(actor.organisation_id)
        .bind(initiative_id)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    if let Some(id) = inserted {
        record_change(
            tx,
            actor,
            Action::Create,
            "follow_up",
            id,
            json!({ "satsning": initiative_id, "status": { "before": null, "after": "utkast" } }),
            now,
        )
        .await?;
    }
    let (id, status): (i64, String) = on_tx!(&mut *tx, |conn| {
        sqlx::query_as(
            "SELECT id, status FROM follow_up WHERE organisation_id = $1 AND initiative_id = $2",
        )
        .bind(actor.organisation_id)
        .bind(initiative_id)
        .fetch_one(conn)
        .await
    })?;
    Ok((
        id,
        FollowUpStatus::from_db(&status).ok_or(AppError::Internal)?,
    ))
}

fn method_json(m: &MethodStatus) -> serde_json::Value {
    json!({ "status": m.status.as_db(), "namnd": m.party_id, "kommentar": m.comment })
}

/// Saves the texts and the methods' implementation (an utkast only: 409 otherwise); the audit
/// row lists what changed, before → after.
pub async fn save(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    input: &FollowUpInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let before = get(db, actor.organisation_id, initiative_id).await?;
    let mut tx = db.begin().await?;
    let (id, status) = working_copy(&mut tx, actor, initiative_id, now).await?;
    if status != FollowUpStatus::Draft {
        return tx
            .abort(AppError::Conflict(
                "Uppföljningen är inskickad och kan inte ändras.".into(),
            ))
            .await;
    }
    let (old_texts, old_methods) = before.map(|b| (b.texts, b.methods)).unwrap_or_default();
    let mut changes = serde_json::Map::new();
    for (key, after) in &input.texts {
        let was = old_texts.get(key).cloned().unwrap_or_default();
        if was != *after {
            changes.insert(key.clone(), json!({ "before": was, "after": after }));
        }
    }
    let by_activity = |methods: &[MethodStatus]| -> BTreeMap<i64, serde_json::Value> {
        methods
            .iter()
            .map(|m| (m.activity_id, method_json(m)))
            .collect()
    };
    let (old, new) = (by_activity(&old_methods), by_activity(&input.methods));
    for activity in old
        .keys()
        .chain(new.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        if old.get(activity) != new.get(activity) {
            changes.insert(
                format!("metod {activity}"),
                json!({ "before": old.get(activity), "after": new.get(activity) }),
            );
        }
    }
    if changes.is_empty() {
        tx.commit().await?;
        return Ok(());
    }
    let texts = serde_json::to_string(&input.texts).map_err(|_| AppError::Internal)?;
    on_tx!(&mut tx, |conn| {
        sqlx::query("UPDATE follow_up SET narratives = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(&texts)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    on_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM follow_up_method WHERE follow_up_id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    for m in &input.methods {
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "INSERT INTO follow_up_method (follow_up_id, activity_id, status, party_id, comment)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(m.activity_id)
            .bind(m.status.as_db())
            .bind(m.party_id)
            .bind(&m.comment)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "follow_up",
        id,
        serde_json::Value::Object(changes),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the follow-up from `from` to `to` (checked inside the transaction, so of two clicks
/// only one moves it: 409 for the other), recording who and when.
async fn step(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    from: FollowUpStatus,
    to: FollowUpStatus,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let sql = match to {
        FollowUpStatus::Approved => {
            "UPDATE follow_up SET status = $3, approved_at = $4, approved_by = $5, updated_at = $4
             WHERE organisation_id = $1 AND initiative_id = $2 AND status = $6
             RETURNING id"
        }
        _ => {
            "UPDATE follow_up SET status = $3, submitted_at = $4, submitted_by = $5, updated_at = $4
             WHERE organisation_id = $1 AND initiative_id = $2 AND status = $6
             RETURNING id"
        }
    };
    let moved: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(sql)
            .bind(actor.organisation_id)
            .bind(initiative_id)
            .bind(to.as_db())
            .bind(now)
            .bind(actor.user_id)
            .bind(from.as_db())
            .fetch_optional(conn)
            .await
    })?;
    let Some(id) = moved else {
        let message = match to {
            FollowUpStatus::Approved => "Uppföljningen väntar inte på godkännande. Ladda om sidan.",
            _ => "Uppföljningen är redan inskickad.",
        };
        return tx.abort(AppError::Conflict(message.into())).await;
    };
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "follow_up",
        id,
        json!({ "status": { "before": from.as_db(), "after": to.as_db() } }),
        now,
    )
    .await?;
    if to == FollowUpStatus::Approved {
        // An approved follow-up is what "uppföljd" means: the satsning moves there from
        // avslutad, in the same transaction (on its timeline and in the audit trail).
        crate::initiative::repo::move_status_in(
            &mut tx,
            actor,
            initiative_id,
            crate::initiative::Status::Ended,
            crate::initiative::Status::FollowedUp,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Skicka in: utkast → inskickad.
pub async fn submit(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    step(
        db,
        actor,
        initiative_id,
        FollowUpStatus::Draft,
        FollowUpStatus::Submitted,
        now,
    )
    .await
}

/// Godkänn: inskickad → godkänd, and the satsning avslutad → uppföljd.
pub async fn approve(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    step(
        db,
        actor,
        initiative_id,
        FollowUpStatus::Submitted,
        FollowUpStatus::Approved,
        now,
    )
    .await
}

/// The status of every saved follow-up of the organisation, by satsning (for the portfolio).
pub async fn statuses(
    db: &Db,
    organisation_id: i64,
) -> Result<HashMap<i64, FollowUpStatus>, AppError> {
    let rows: Vec<(i64, String)> = db_read!(db, |pool| {
        sqlx::query_as("SELECT initiative_id, status FROM follow_up WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, status)| Some((id, FollowUpStatus::from_db(&status)?)))
        .collect())
}
