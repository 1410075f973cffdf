//! SQL for ekonomi: the unit-cost register, the price index and the calculations. Every query
//! is scoped by the organisation (a satsning's rows through its satsning, which the caller
//! has already checked); every change is audited in its own transaction.

use chrono::{DateTime, Utc};

use super::{EffectRow, IndexValue, Internal, UnitCost, UnitCostInput};
use crate::audit::repo::record_change;
use crate::audit::{Action, Actor};
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, db_write, on_tx};

#[derive(sqlx::FromRow)]
struct CostRow {
    id: i64,
    post: String,
    area: String,
    unit: String,
    cost_sek: i64,
    price_year: i64,
    source: String,
    comment: String,
    volume: Option<f64>,
    overhead_percent: Option<f64>,
    is_example: bool,
}

impl CostRow {
    fn into_cost(self, internal: bool) -> UnitCost {
        UnitCost {
            id: self.id,
            post: self.post,
            area: self.area,
            unit: self.unit,
            cost_sek: self.cost_sek,
            price_year: self.price_year as i32,
            source: self.source,
            comment: self.comment,
            internal: internal.then_some(Internal {
                volume: self.volume,
                overhead_percent: self.overhead_percent,
            }),
            is_example: self.is_example,
        }
    }
}

/// `SELECT … FROM unit_cost` with every column a [`CostRow`] reads, then `$rest`.
macro_rules! select_costs {
    ($rest:literal) => {
        concat!(
            "SELECT id, post, area, unit, cost_sek, price_year, source, comment, volume, ",
            "overhead_percent, is_example FROM unit_cost ",
            $rest
        )
    };
}

/// The organisation's unit costs by area, post and year; the internal-only fields only when
/// `internal` (the caller decides with [`super::sees_internal`]).
pub async fn unit_costs(
    db: &Db,
    organisation_id: i64,
    internal: bool,
) -> Result<Vec<UnitCost>, AppError> {
    let rows: Vec<CostRow> = db_read!(db, |pool| {
        sqlx::query_as(select_costs!(
            "WHERE organisation_id = $1 ORDER BY area, post, price_year"
        ))
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|r| r.into_cost(internal)).collect())
}

async fn cost_in_tx(
    tx: &mut crate::db::Tx,
    organisation_id: i64,
    id: i64,
) -> Result<Option<CostRow>, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query_as(select_costs!("WHERE id = $1 AND organisation_id = $2"))
            .bind(id)
            .bind(organisation_id)
            .fetch_optional(conn)
            .await
    })
}

async fn post_year_taken(
    tx: &mut crate::db::Tx,
    organisation_id: i64,
    input: &UnitCostInput,
    except: i64,
) -> Result<bool, sqlx::Error> {
    let taken: Option<i64> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT id FROM unit_cost
             WHERE organisation_id = $1 AND LOWER(post) = LOWER($2) AND price_year = $3 AND id <> $4",
        )
        .bind(organisation_id)
        .bind(&input.post)
        .bind(i64::from(input.price_year))
        .bind(except)
        .fetch_optional(conn)
        .await
    })?;
    Ok(taken.is_some())
}

fn taken_error() -> AppError {
    AppError::field(
        "cost[price_year]",
        "Posten har redan en kostnad för det året. Ändra den i stället, eller välj ett annat prisår.",
    )
}

fn cost_json(input: &UnitCostInput) -> serde_json::Value {
    serde_json::json!({
        "post": input.post, "area": input.area, "unit": input.unit, "cost_sek": input.cost_sek,
        "price_year": input.price_year, "source": input.source, "comment": input.comment,
        "volume": input.internal.volume, "overhead_percent": input.internal.overhead_percent,
    })
}

/// Adds a unit cost, audited; a post that already has a cost for the year is a field error.
pub async fn add_unit_cost(
    db: &Db,
    actor: Actor,
    input: &UnitCostInput,
    is_example: bool,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    if post_year_taken(&mut tx, actor.organisation_id, input, 0).await? {
        return tx.abort(taken_error()).await;
    }
    let id = insert_cost(&mut tx, actor, input, is_example, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Inserts one unit cost and its audit row in `tx`.
async fn insert_cost(
    tx: &mut crate::db::Tx,
    actor: Actor,
    input: &UnitCostInput,
    is_example: bool,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let id: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO unit_cost (organisation_id, post, area, unit, cost_sek, price_year, source,
                                    comment, volume, overhead_percent, is_example, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(actor.organisation_id)
        .bind(&input.post)
        .bind(&input.area)
        .bind(&input.unit)
        .bind(input.cost_sek)
        .bind(i64::from(input.price_year))
        .bind(&input.source)
        .bind(&input.comment)
        .bind(input.internal.volume)
        .bind(input.internal.overhead_percent)
        .bind(is_example)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    let after = cost_json(input);
    let changes: serde_json::Map<String, serde_json::Value> = after
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), serde_json::json!({ "after": v })))
        .collect();
    record_change(
        tx,
        actor,
        Action::Create,
        "unit_cost",
        id,
        changes.into(),
        now,
    )
    .await?;
    Ok(id)
}

/// Changes a unit cost of the organisation, audited field by field.
pub async fn update_unit_cost(
    db: &Db,
    actor: Actor,
    id: i64,
    input: &UnitCostInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let Some(before) = cost_in_tx(&mut tx, actor.organisation_id, id).await? else {
        return tx.abort(AppError::NotFound).await;
    };
    if post_year_taken(&mut tx, actor.organisation_id, input, id).await? {
        return tx.abort(taken_error()).await;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE unit_cost SET post = $1, area = $2, unit = $3, cost_sek = $4, price_year = $5,
                    source = $6, comment = $7, volume = $8, overhead_percent = $9, updated_at = $10
             WHERE id = $11 AND organisation_id = $12",
        )
        .bind(&input.post)
        .bind(&input.area)
        .bind(&input.unit)
        .bind(input.cost_sek)
        .bind(i64::from(input.price_year))
        .bind(&input.source)
        .bind(&input.comment)
        .bind(input.internal.volume)
        .bind(input.internal.overhead_percent)
        .bind(now)
        .bind(id)
        .bind(actor.organisation_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let before_input = UnitCostInput {
        post: before.post,
        area: before.area,
        unit: before.unit,
        cost_sek: before.cost_sek,
        price_year: before.price_year as i32,
        source: before.source,
        comment: before.comment,
        internal: Internal {
            volume: before.volume,
            overhead_percent: before.overhead_percent,
        },
    };
    let changes = crate::audit::repo::changed_between(&cost_json(&before_input), &cost_json(input));
    if !changes.is_empty() {
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "unit_cost",
            id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes a unit cost that no calculation uses, audited with what it was.
pub async fn delete_unit_cost(
    db: &Db,
    actor: Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let Some(before) = cost_in_tx(&mut tx, actor.organisation_id, id).await? else {
        return tx.abort(AppError::NotFound).await;
    };
    let used: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar("SELECT COUNT(*) FROM economic_effect_row WHERE unit_cost_id = $1")
            .bind(id)
            .fetch_one(conn)
            .await
    })?;
    if used > 0 {
        return tx
            .abort(AppError::Conflict(format!(
                "Kostnaden används i {used} effektrad(er) i satsningarnas kalkyler och kan inte tas bort. Lägg in ett nytt prisår i stället."
            )))
            .await;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM unit_cost WHERE id = $1 AND organisation_id = $2")
            .bind(id)
            .bind(actor.organisation_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    let changes = serde_json::json!({
        "post": { "before": before.post },
        "price_year": { "before": before.price_year },
        "cost_sek": { "before": before.cost_sek },
    });
    record_change(
        &mut tx,
        actor,
        Action::Delete,
        "unit_cost",
        id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct IndexRow {
    year: i64,
    value: f64,
    is_example: bool,
}

/// The organisation's price index, by year.
pub async fn price_index(db: &Db, organisation_id: i64) -> Result<Vec<IndexValue>, AppError> {
    let rows: Vec<IndexRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT year, value, is_example FROM price_index WHERE organisation_id = $1 ORDER BY year",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| IndexValue {
            year: r.year as i32,
            value: r.value,
            is_example: r.is_example,
        })
        .collect())
}

/// Sets one year's index value (adds or replaces it), audited.
pub async fn set_index(
    db: &Db,
    actor: Actor,
    year: i32,
    value: f64,
    is_example: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let before: Option<f64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar("SELECT value FROM price_index WHERE organisation_id = $1 AND year = $2")
            .bind(actor.organisation_id)
            .bind(i64::from(year))
            .fetch_optional(conn)
            .await
    })?;
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "INSERT INTO price_index (organisation_id, year, value, is_example) VALUES ($1, $2, $3, $4)
             ON CONFLICT (organisation_id, year) DO UPDATE SET value = excluded.value,
                                                             is_example = excluded.is_example",
        )
        .bind(actor.organisation_id)
        .bind(i64::from(year))
        .bind(value)
        .bind(is_example)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let action = if before.is_some() {
        Action::Update
    } else {
        Action::Create
    };
    let changes = serde_json::json!({ "value": { "before": before, "after": value } });
    record_change(
        &mut tx,
        actor,
        action,
        "price_index",
        i64::from(year),
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one year of the price index, audited.
pub async fn delete_index(
    db: &Db,
    actor: Actor,
    year: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let before: Option<f64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar("SELECT value FROM price_index WHERE organisation_id = $1 AND year = $2")
            .bind(actor.organisation_id)
            .bind(i64::from(year))
            .fetch_optional(conn)
            .await
    })?;
    let Some(before) = before else {
        return tx.abort(AppError::NotFound).await;
    };
    on_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM price_index WHERE organisation_id = $1 AND year = $2")
            .bind(actor.organisation_id)
            .bind(i64::from(year))
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    let changes = serde_json::json!({ "value": { "before": before } });
    record_change(
        &mut tx,
        actor,
        Action::Delete,
        "price_index",
        i64::from(year),
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The saved parameters of a satsning's calculation: (price year, discount rate in per cent).
pub async fn settings(db: &Db, initiative_id: i64) -> Result<Option<(i32, f64)>, AppError> {
    let row: Option<(i64, f64)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT price_year, discount_rate_percent FROM economic_calculation WHERE initiative_id = $1",
        )
        .bind(initiative_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(year, rate)| (year as i32, rate)))
}

/// Saves the parameters of a satsning's calculation, audited.
pub async fn save_settings(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    price_year: i32,
    discount_rate_percent: f64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let before: Option<(i64, f64)> = on_tx!(&mut tx, |conn| {
        sqlx::query_as(
            "SELECT price_year, discount_rate_percent FROM economic_calculation WHERE initiative_id = $1",
        )
        .bind(initiative_id)
        .fetch_optional(conn)
        .await
    })?;
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "INSERT INTO economic_calculation (initiative_id, price_year, discount_rate_percent, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (initiative_id) DO UPDATE SET price_year = excluded.price_year,
                 discount_rate_percent = excluded.discount_rate_percent, updated_at = excluded.updated_at",
        )
        .bind(initiative_id)
        .bind(i64::from(price_year))
        .bind(discount_rate_percent)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let changes = crate::audit::repo::changed_fields([
        (
            "price_year",
            serde_json::json!(before.map(|b| b.0)),
            serde_json::json!(price_year),
        ),
        (
            "discount_rate_percent",
            serde_json::json!(before.map(|b| b.1)),
            serde_json::json!(discount_rate_percent),
        ),
    ]);
    if !changes.is_empty() {
        let action = if before.is_some() {
            Action::Update
        } else {
            Action::Create
        };
        record_change(
            &mut tx,
            actor,
            action,
            "economic_calculation",
            initiative_id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EffectDbRow {
    id: i64,
    name: String,
    economic_effect_id: Option<i64>,
    unit_cost_id: i64,
    party_id: Option<i64>,
    reduction_per_year: f64,
    start_year: i64,
    deadweight_percent: f64,
    attribution_percent: f64,
    displacement_percent: f64,
    drop_off_percent: f64,
}

/// The effect rows of a satsning's calculation, in the order they were added.
pub async fn effect_rows(db: &Db, initiative_id: i64) -> Result<Vec<EffectRow>, AppError> {
    let rows: Vec<EffectDbRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, economic_effect_id, unit_cost_id, party_id, reduction_per_year,
                    start_year, deadweight_percent, attribution_percent, displacement_percent,
                    drop_off_percent
             FROM economic_effect_row WHERE initiative_id = $1 ORDER BY id",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| EffectRow {
            id: r.id,
            name: r.name,
            economic_effect_id: r.economic_effect_id,
            unit_cost_id: r.unit_cost_id,
            party_id: r.party_id,
            reduction_per_year: r.reduction_per_year,
            start_year: r.start_year as i32,
            deadweight_percent: r.deadweight_percent,
            attribution_percent: r.attribution_percent,
            displacement_percent: r.displacement_percent,
            drop_off_percent: r.drop_off_percent,
        })
        .collect())
}

fn effect_json(row: &EffectRow) -> serde_json::Value {
    serde_json::json!({
        "name": row.name, "economic_effect_id": row.economic_effect_id,
        "unit_cost_id": row.unit_cost_id, "party_id": row.party_id,
        "reduction_per_year": row.reduction_per_year, "start_year": row.start_year,
        "deadweight_percent": row.deadweight_percent,
        "attribution_percent": row.attribution_percent,
        "displacement_percent": row.displacement_percent,
        "drop_off_percent": row.drop_off_percent,
    })
}

/// Adds an effect row to a satsning's calculation (validated against its own choices), audited.
pub async fn add_effect_row(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    row: &EffectRow,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO economic_effect_row (initiative_id, name, economic_effect_id, unit_cost_id,
                 party_id, reduction_per_year, start_year, deadweight_percent, attribution_percent,
                 displacement_percent, drop_off_percent, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(initiative_id)
        .bind(&row.name)
        .bind(row.economic_effect_id)
        .bind(row.unit_cost_id)
        .bind(row.party_id)
        .bind(row.reduction_per_year)
        .bind(i64::from(row.start_year))
        .bind(row.deadweight_percent)
        .bind(row.attribution_percent)
        .bind(row.displacement_percent)
        .bind(row.drop_off_percent)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    let mut changes = serde_json::Map::new();
    changes.insert(
        "initiative".into(),
        serde_json::json!({ "after": initiative_id }),
    );
    for (k, v) in effect_json(row).as_object().into_iter().flatten() {
        changes.insert(k.clone(), serde_json::json!({ "after": v }));
    }
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "economic_effect_row",
        id,
        changes.into(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes an effect row of the satsning, audited with what it was.
pub async fn delete_effect_row(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let name: Option<String> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "SELECT name FROM economic_effect_row WHERE id = $1 AND initiative_id = $2",
        )
        .bind(id)
        .bind(initiative_id)
        .fetch_optional(conn)
        .await
    })?;
    let Some(name) = name else {
        return tx.abort(AppError::NotFound).await;
    };
    on_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM economic_effect_row WHERE id = $1 AND initiative_id = $2")
            .bind(id)
            .bind(initiative_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    let changes = serde_json::json!({
        "name": { "before": name }, "initiative": { "before": initiative_id },
    });
    record_change(
        &mut tx,
        actor,
        Action::Delete,
        "economic_effect_row",
        id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the organisation has any unit cost yet (the demo seeds into an empty register).
pub async fn has_unit_costs(db: &Db, organisation_id: i64) -> Result<bool, AppError> {
    let count: i64 = db_write!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM unit_cost WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_one(pool)
            .await
    })?;
    Ok(count > 0)
}

/// A satsning's återföringsplan: (party, year, amount).
pub async fn repayment_plan(db: &Db, initiative_id: i64) -> Result<Vec<(i64, i32, i64)>, AppError> {
    let rows: Vec<(i64, i64, i64)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT party_id, year, amount_sek FROM repayment_plan WHERE initiative_id = $1
             ORDER BY party_id, year",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(p, y, a)| (p, y as i32, a)).collect())
}

/// A satsning's recorded repayments, oldest first.
pub async fn payments(db: &Db, initiative_id: i64) -> Result<Vec<super::api::Payment>, AppError> {
    let rows: Vec<(i64, i64, i64, i64, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, party_id, year, amount_sek, note FROM repayment WHERE initiative_id = $1
             ORDER BY year, id",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, party_id, year, amount_sek, note)| super::api::Payment {
                id,
                party_id,
                year: year as i32,
                amount_sek,
                note,
            },
        )
        .collect())
}

/// Sets one nämnd's planned återföring for one year (zero removes the year), audited.
pub async fn set_plan(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    input: &super::repayment::RepaymentInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let before: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "SELECT amount_sek FROM repayment_plan
             WHERE initiative_id = $1 AND party_id = $2 AND year = $3",
        )
        .bind(initiative_id)
        .bind(input.party_id)
        .bind(i64::from(input.year))
        .fetch_optional(conn)
        .await
    })?;
    if input.amount_sek == 0 {
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "DELETE FROM repayment_plan WHERE initiative_id = $1 AND party_id = $2 AND year = $3",
            )
            .bind(initiative_id)
            .bind(input.party_id)
            .bind(i64::from(input.year))
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    } else {
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "INSERT INTO repayment_plan (initiative_id, party_id, year, amount_sek)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (initiative_id, party_id, year) DO UPDATE SET amount_sek = excluded.amount_sek",
            )
            .bind(initiative_id)
            .bind(input.party_id)
            .bind(i64::from(input.year))
            .bind(input.amount_sek)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    let after = (input.amount_sek > 0).then_some(input.amount_sek);
    if before != after {
        let changes = serde_json::json!({
            "party": { "after": input.party_id }, "year": { "after": input.year },
            "amount_sek": { "before": before, "after": after },
        });
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "repayment_plan",
            initiative_id,
            changes,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Records a repayment, audited.
pub async fn add_payment(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    input: &super::repayment::RepaymentInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO repayment (initiative_id, party_id, year, amount_sek, note, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(initiative_id)
        .bind(input.party_id)
        .bind(i64::from(input.year))
        .bind(input.amount_sek)
        .bind(&input.note)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "initiative": { "after": initiative_id }, "party": { "after": input.party_id },
        "year": { "after": input.year }, "amount_sek": { "after": input.amount_sek },
        "note": { "after": input.note },
    });
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "repayment",
        id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One nämnd's line of the fund: (party, name, decided in satsningar it takes part in, spent in
/// them as the half-year reports record it, planned återföring, paid back).
pub type FundLine = (i64, String, i64, i64, i64, i64);

/// The fund per nämnd of the organisation, and the decided and spent totals over distinct
/// satsningar.
pub async fn fund_overview(
    db: &Db,
    organisation_id: i64,
) -> Result<(Vec<FundLine>, i64, i64), AppError> {
    let rows: Vec<FundLine> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id, p.name,
                CAST(COALESCE((SELECT SUM(i.budget_sek) FROM initiative i
                     JOIN initiative_party ip ON ip.initiative_id = i.id
                     WHERE ip.party_id = p.id
                       AND i.status IN ('beslutad', 'pagaende', 'avslutad', 'uppfoljd')), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(ac.amount_sek) FROM actual_cost ac
                     JOIN initiative_party ip ON ip.initiative_id = ac.initiative_id
                     WHERE ip.party_id = p.id AND ac.organisation_id = p.organisation_id), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(rp.amount_sek) FROM repayment_plan rp
                     WHERE rp.party_id = p.id), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(r.amount_sek) FROM repayment r
                     WHERE r.party_id = p.id), 0) AS BIGINT)
             FROM party p WHERE p.organisation_id = $1 AND p.kind = 'namnd'
             ORDER BY p.name",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    let decided: i64 = db_read!(db, |pool| {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(budget_sek), 0) AS BIGINT) FROM initiative
             WHERE organisation_id = $1
               AND status IN ('beslutad', 'pagaende', 'avslutad', 'uppfoljd')",
        )
        .bind(organisation_id)
        .fetch_one(pool)
        .await
    })?;
    let spent: i64 = db_read!(db, |pool| {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_sek), 0) AS BIGINT) FROM actual_cost
             WHERE organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_one(pool)
        .await
    })?;
    Ok((rows, decided, spent))
}

/// Stages an uploaded file's lines for the preview; returns the import's id.
pub async fn stage_import(
    db: &Db,
    actor: Actor,
    file_name: &str,
    lines: &[super::import::Line],
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let json = serde_json::to_string(lines).map_err(|_| AppError::Internal)?;
    Ok(db_write!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO unit_cost_import (organisation_id, created_by, file_name, lines, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(actor.organisation_id)
        .bind(actor.user_id)
        .bind(file_name)
        .bind(&json)
        .bind(now)
        .fetch_one(pool)
        .await
    })?)
}

/// A staged import of the organisation: its file name and lines.
pub async fn staged_import(
    db: &Db,
    organisation_id: i64,
    id: i64,
) -> Result<(String, Vec<super::import::Line>), AppError> {
    let row: Option<(String, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT file_name, lines FROM unit_cost_import WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id)
        .bind(organisation_id)
        .fetch_optional(pool)
        .await
    })?;
    let (name, json) = row.ok_or(AppError::NotFound)?;
    let lines = serde_json::from_str(&json).map_err(|_| AppError::Internal)?;
    Ok((name, lines))
}

/// Saves every line of a checked import in one transaction (each with its audit row) and
/// removes the staged file; a post and year taken meanwhile rolls everything back.
pub async fn commit_import(
    db: &Db,
    actor: Actor,
    id: i64,
    inputs: &[UnitCostInput],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    for input in inputs {
        if post_year_taken(&mut tx, actor.organisation_id, input, 0).await? {
            return tx
                .abort(AppError::Conflict(format!(
                    "{} har redan en kostnad för {}. Inget har sparats.",
                    input.post, input.price_year
                )))
                .await;
        }
        insert_cost(&mut tx, actor, input, false, now).await?;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM unit_cost_import WHERE id = $1 AND organisation_id = $2")
            .bind(id)
            .bind(actor.organisation_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    tx.commit().await?;
    Ok(())
}

/// The satsning's measures' latest reported values (kept by every save): (measure, value).
pub async fn latest_values(
    db: &Db,
    initiative_id: i64,
) -> Result<Vec<(i64, Option<f64>)>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as("SELECT id, latest_value FROM measure WHERE initiative_id = $1")
            .bind(initiative_id)
            .fetch_all(pool)
            .await
    })?)
}
