//! SQL for ekonomiska effekter: add and change, each tied to an effektmått of the same
//! satsning. Every change is audited in its transaction.

use chrono::{DateTime, Utc};

use super::repo::EffectRow;
use crate::audit::Action;
use crate::audit::Actor;
use crate::audit::repo::record_change;
use crate::db::Db;
use crate::error::AppError;
use crate::on_tx;

pub use super::effect::EffectInput;

/// Adds an ekonomisk effekt; the linked effektmått must be this satsning's.
pub async fn add_effect(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    input: &EffectInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    if let Some(measure_id) = input.effect_measure_id
        && !effect_measure_is_ours(&mut tx, initiative_id, measure_id).await?
    {
        return tx.abort(not_our_effect_measure()).await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO economic_effect (initiative_id, position, text, horizon, party_id,
               effect_measure_id, yearly_sek)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM economic_effect WHERE initiative_id = $1),
               $2, $3, $4, $5, $6)
             RETURNING id",
        )
        .bind(initiative_id)
        .bind(&input.text)
        .bind(input.horizon.as_db())
        .bind(input.party_id)
        .bind(input.effect_measure_id)
        .bind(input.yearly_sek)
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "text": { "after": input.text }, "horizon": { "after": input.horizon.as_db() },
        "yearly_sek": { "after": input.yearly_sek },
    });
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "economic_effect",
        id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves changes to an ekonomisk effekt; the linked effektmått must be this satsning's.
pub async fn update_effect(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    effect_id: i64,
    input: &EffectInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    if let Some(measure_id) = input.effect_measure_id
        && !effect_measure_is_ours(&mut tx, initiative_id, measure_id).await?
    {
        return tx.abort(not_our_effect_measure()).await;
    }
    let before: Option<EffectRow> = on_tx!(&mut tx, |conn| {
        sqlx::query_as(
            "SELECT id, text, horizon, party_id, CAST(NULL AS TEXT) AS party_name,
                        effect_measure_id, yearly_sek
                 FROM economic_effect WHERE id = $1 AND initiative_id = $2",
        )
        .bind(effect_id)
        .bind(initiative_id)
        .fetch_optional(conn)
        .await
    })?;
    let Some(before) = before else {
        return tx.abort(AppError::NotFound).await;
    };
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE economic_effect SET text = $1, horizon = $2, party_id = $3,
               effect_measure_id = $4, yearly_sek = $5 WHERE id = $6",
        )
        .bind(&input.text)
        .bind(input.horizon.as_db())
        .bind(input.party_id)
        .bind(input.effect_measure_id)
        .bind(input.yearly_sek)
        .bind(effect_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let pairs = [
        (
            "text",
            serde_json::json!(before.text),
            serde_json::json!(input.text),
        ),
        (
            "horizon",
            serde_json::json!(before.horizon),
            serde_json::json!(input.horizon.as_db()),
        ),
        (
            "party_id",
            serde_json::json!(before.party_id),
            serde_json::json!(input.party_id),
        ),
        (
            "effect_measure_id",
            serde_json::json!(before.effect_measure_id),
            serde_json::json!(input.effect_measure_id),
        ),
        (
            "yearly_sek",
            serde_json::json!(before.yearly_sek),
            serde_json::json!(input.yearly_sek),
        ),
    ];
    let changes = crate::audit::repo::changed_fields(pairs);
    if !changes.is_empty() {
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "economic_effect",
            effect_id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn effect_measure_is_ours(
    tx: &mut crate::db::Tx,
    initiative_id: i64,
    measure_id: i64,
) -> Result<bool, AppError> {
    let found: Option<i64> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT id FROM measure WHERE id = $1 AND initiative_id = $2 AND kind = 'effekt'",
        )
        .bind(measure_id)
        .bind(initiative_id)
        .fetch_optional(conn)
        .await
    })?;
    Ok(found.is_some())
}

fn not_our_effect_measure() -> AppError {
    AppError::field("effektmatt", "Välj ett av satsningens effektmått.")
}
