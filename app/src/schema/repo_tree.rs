//! SQL for the schema's tree: mål and aktiviteter (add, change text, delete) and the order of
//! its parts (move). The caller has checked that the satsning is the user's to edit; every
//! change is audited in its transaction.

use chrono::{DateTime, Utc};

use crate::audit::Action;
use crate::audit::Actor;
use crate::audit::repo::record_change;
use crate::db::Db;
use crate::error::AppError;
use crate::on_tx;

/// Adds a mål at the end.
pub async fn add_goal(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    text: &str,
    target_group: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO goal (initiative_id, position, text, target_group)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM goal WHERE initiative_id = $1), $2, $3)
             RETURNING id",
        )
        .bind(initiative_id)
        .bind(text)
        .bind(target_group)
        .fetch_one(conn)
        .await
    })?;
    let changes =
        serde_json::json!({ "goal": { "after": text }, "initiative": { "after": initiative_id } });
    record_change(&mut tx, actor, Action::Create, "goal", id, changes, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds an aktivitet to a mål of this satsning.
pub async fn add_activity(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    goal_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let owned: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar("SELECT id FROM goal WHERE id = $1 AND initiative_id = $2")
            .bind(goal_id)
            .bind(initiative_id)
            .fetch_optional(conn)
            .await
    })?;
    if owned.is_none() {
        return tx.abort(AppError::NotFound).await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO activity (goal_id, position, text)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM activity WHERE goal_id = $1), $2)
             RETURNING id",
        )
        .bind(goal_id)
        .bind(text)
        .fetch_one(conn)
        .await
    })?;
    let changes =
        serde_json::json!({ "activity": { "after": text }, "goal": { "after": goal_id } });
    record_change(&mut tx, actor, Action::Create, "activity", id, changes, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// What can be moved up or down among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movable {
    Goal,
    Activity,
    Measure,
}

/// Swaps an item with its previous (`up`) or next sibling. At the edge nothing happens.
pub async fn move_item(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    what: Movable,
    id: i64,
    up: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    // (id, position) of the item's siblings in order, scoped to the satsning. A measure moves
    // among the active measures of its kind and place: retired ones are not shown in between.
    let siblings: Vec<(i64, i64)> = match what {
        Movable::Goal => on_tx!(&mut tx, |conn| {
            sqlx::query_as(
                "SELECT id, position FROM goal WHERE initiative_id = $1 ORDER BY position, id",
            )
            .bind(initiative_id)
            .fetch_all(conn)
            .await
        })?,
        Movable::Activity => on_tx!(&mut tx, |conn| {
            sqlx::query_as(
                "SELECT a.id, a.position FROM activity a
                 WHERE a.goal_id = (SELECT a2.goal_id FROM activity a2 JOIN goal g ON g.id = a2.goal_id
                                    WHERE a2.id = $1 AND g.initiative_id = $2)
                 ORDER BY a.position, a.id",
            )
            .bind(id)
            .bind(initiative_id)
            .fetch_all(conn)
            .await
        })?,
        Movable::Measure => on_tx!(&mut tx, |conn| {
            sqlx::query_as(
                "SELECT m.id, m.position FROM measure m, measure me
                 WHERE me.id = $1 AND me.initiative_id = $2 AND m.initiative_id = me.initiative_id
                   AND m.kind = me.kind
                   AND COALESCE(m.activity_id, -1) = COALESCE(me.activity_id, -1)
                   AND COALESCE(m.goal_id, -1) = COALESCE(me.goal_id, -1)
                   AND (m.retired_at IS NULL OR m.id = me.id)
                 ORDER BY m.position, m.id",
            )
            .bind(id)
            .bind(initiative_id)
            .fetch_all(conn)
            .await
        })?,
    };
    let Some(index) = siblings.iter().position(|(sid, _)| *sid == id) else {
        return tx.abort(AppError::NotFound).await;
    };
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1).filter(|i| *i < siblings.len())
    };
    let Some(other) = other else {
        tx.rollback().await?;
        return Ok(());
    };
    // Positions are distinct among siblings (each new item gets MAX + 1): swap them.
    let (a, b) = (siblings[index], siblings[other]);
    let pos_a = b.1;
    for (item, position) in [(a.0, b.1), (b.0, a.1)] {
        on_tx!(&mut tx, |conn| {
            let sql = match what {
                Movable::Goal => "UPDATE goal SET position = $1 WHERE id = $2",
                Movable::Activity => "UPDATE activity SET position = $1 WHERE id = $2",
                Movable::Measure => "UPDATE measure SET position = $1 WHERE id = $2",
            };
            sqlx::query(sql)
                .bind(position)
                .bind(item)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    let object_type = match what {
        Movable::Goal => "goal",
        Movable::Activity => "activity",
        Movable::Measure => "measure",
    };
    let changes = serde_json::json!({ "position": { "before": a.1, "after": pos_a } });
    record_change(
        &mut tx,
        actor,
        Action::Update,
        object_type,
        id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Parts of the schema that can be renamed or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Goal,
    Activity,
    Measure,
    Effect,
}

impl Part {
    /// From the form value: mal, aktivitet, matt, effekt.
    pub fn from_form(value: &str) -> Option<Self> {
        match value {
            "mal" => Some(Part::Goal),
            "aktivitet" => Some(Part::Activity),
            "matt" => Some(Part::Measure),
            "effekt" => Some(Part::Effect),
            _ => None,
        }
    }

    fn object_type(self) -> &'static str {
        match self {
            Part::Goal => "goal",
            Part::Activity => "activity",
            Part::Measure => "measure",
            Part::Effect => "economic_effect",
        }
    }
}

/// The part's text and målgrupp when it belongs to the satsning.
async fn owned_text(
    tx: &mut crate::db::Tx,
    initiative_id: i64,
    part: Part,
    id: i64,
) -> Result<Option<(String, String)>, AppError> {
    Ok(on_tx!(tx, |conn| {
        let sql = match part {
            Part::Goal => {
                "SELECT text, target_group FROM goal WHERE id = $1 AND initiative_id = $2"
            }
            Part::Activity => {
                "SELECT a.text, '' AS target_group FROM activity a JOIN goal g ON g.id = a.goal_id
                 WHERE a.id = $1 AND g.initiative_id = $2"
            }
            Part::Measure => {
                "SELECT code || ' ' || name, '' AS target_group FROM measure
                 WHERE id = $1 AND initiative_id = $2"
            }
            Part::Effect => {
                "SELECT text, '' AS target_group FROM economic_effect
                 WHERE id = $1 AND initiative_id = $2"
            }
        };
        sqlx::query_as(sql)
            .bind(id)
            .bind(initiative_id)
            .fetch_optional(conn)
            .await
    })?)
}

/// New text for a mål (with its målgrupp) or an aktivitet.
#[derive(Debug, Clone, Copy)]
pub struct TextEdit<'a> {
    pub part: Part,
    pub id: i64,
    pub text: &'a str,
    /// Only for a mål.
    pub target_group: &'a str,
}

/// Changes the text of a mål (with its målgrupp) or an aktivitet, audited before → after.
pub async fn update_text(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    edit: TextEdit<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let TextEdit {
        part,
        id,
        text,
        target_group,
    } = edit;
    let mut tx = db.begin().await?;
    let Some((old_text, old_group)) = owned_text(&mut tx, initiative_id, part, id).await? else {
        return tx.abort(AppError::NotFound).await;
    };
    on_tx!(&mut tx, |conn| {
        let query = match part {
            Part::Goal => sqlx::query("UPDATE goal SET text = $1, target_group = $2 WHERE id = $3")
                .bind(text)
                .bind(target_group),
            _ => sqlx::query("UPDATE activity SET text = $1 WHERE id = $2").bind(text),
        };
        query.bind(id).execute(conn).await.map(|_| ())
    })?;
    // An aktivitet has no målgrupp: its "change" is left out.
    let new_group = if part == Part::Goal {
        target_group
    } else {
        old_group.as_str()
    };
    let changes = crate::audit::repo::changed_fields([
        ("text", old_text.as_str().into(), text.into()),
        ("target_group", old_group.as_str().into(), new_group.into()),
    ]);
    if !changes.is_empty() {
        let object = part.object_type();
        record_change(
            &mut tx,
            actor,
            Action::Update,
            object,
            id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes a mål or an aktivitet that has nothing under it, a measure (the caller checks that
/// the satsning is not yet decided, so no values exist), or an ekonomisk effekt. Audited.
pub async fn delete_part(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    part: Part,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let Some((text, _)) = owned_text(&mut tx, initiative_id, part, id).await? else {
        return tx.abort(AppError::NotFound).await;
    };
    let children: i64 = match part {
        Part::Goal => on_tx!(&mut tx, |conn| {
            sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM activity WHERE goal_id = $1)
                      + (SELECT COUNT(*) FROM measure WHERE goal_id = $1)",
            )
            .bind(id)
            .fetch_one(conn)
            .await
        })?,
        Part::Activity => on_tx!(&mut tx, |conn| {
            sqlx::query_scalar("SELECT COUNT(*) FROM measure WHERE activity_id = $1")
                .bind(id)
                .fetch_one(conn)
                .await
        })?,
        Part::Measure | Part::Effect => 0,
    };
    if children > 0 {
        let message = match part {
            Part::Goal => "Målet har aktiviteter eller indikatorer. Ta bort dem först.",
            _ => "Aktiviteten har mått. Ta bort eller ta ur bruk måtten först.",
        };
        return tx.abort(AppError::Conflict(message.into())).await;
    }
    let statements: &[&str] = match part {
        Part::Goal => &["DELETE FROM goal WHERE id = $1"],
        Part::Activity => &["DELETE FROM activity WHERE id = $1"],
        Part::Measure => &[
            "UPDATE economic_effect SET effect_measure_id = NULL WHERE effect_measure_id = $1",
            "DELETE FROM measure_milestone WHERE measure_id = $1",
            "DELETE FROM measure WHERE id = $1",
        ],
        Part::Effect => &["DELETE FROM economic_effect WHERE id = $1"],
    };
    for sql in statements {
        on_tx!(&mut tx, |conn| {
            sqlx::query(*sql).bind(id).execute(conn).await.map(|_| ())
        })?;
    }
    let changes = serde_json::json!({ "text": { "before": text } });
    let object = part.object_type();
    record_change(&mut tx, actor, Action::Delete, object, id, changes, now).await?;
    tx.commit().await?;
    Ok(())
}
