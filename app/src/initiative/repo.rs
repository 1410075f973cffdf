//! SQL for satsningar. Every query is scoped by organisation; changes are audited in the same
//! transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Initiative, InitiativeInput, Status};
use crate::audit::Actor;
use crate::audit::repo::{record, record_change};
use crate::audit::{Action, Event};
use crate::auth::CurrentUser;
use crate::db::{Db, Tx};
use crate::error::AppError;
use crate::party::{Party, PartyKind};
use crate::{db_read, on_tx};

/// Which satsningar a read covers: one, or every satsning of an organisation (the deviation
/// sweep reads each table once per organisation rather than once per satsning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    One(i64),
    Organisation(i64),
}

impl Scope {
    /// What `$1` of a [`scoped_sql!`] query is bound to.
    pub fn key(self) -> i64 {
        match self {
            Scope::One(id) | Scope::Organisation(id) => id,
        }
    }

    /// The literal of a [`scoped_sql!`] pair for this scope.
    pub fn pick(self, sql: [&'static str; 2]) -> &'static str {
        match self {
            Scope::One(_) => sql[0],
            Scope::Organisation(_) => sql[1],
        }
    }
}

/// `$head` (ending in an `initiative_id` column) and `$tail` joined by the scope's condition:
/// the two literals of a [`Scope`]d query, `= $1` for one satsning and
/// `IN (… organisation_id = $1)` for an organisation's.
#[macro_export]
macro_rules! scoped_sql {
    ($head:literal, $tail:literal) => {
        [
            concat!($head, " = $1 ", $tail),
            concat!(
                $head,
                " IN (SELECT id FROM initiative WHERE organisation_id = $1) ",
                $tail
            ),
        ]
    };
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    summary: String,
    target_group: String,
    owner_names: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    budget_sek: i64,
    repayment: bool,
    status: String,
    is_example: bool,
    follow_up_years: i64,
}

#[derive(sqlx::FromRow)]
struct PartyLink {
    initiative_id: i64,
    id: i64,
    name: String,
    kind: String,
    area: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LeadLink {
    initiative_id: i64,
    id: i64,
    name: String,
}

/// Every satsning of the organisation with parties and projektledare (three queries).
pub async fn list(db: &Db, organisation_id: i64) -> Result<Vec<Initiative>, AppError> {
    let rows: Vec<Row> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, summary, target_group, owner_names, start_date, end_date,
                    budget_sek, repayment, status, is_example, follow_up_years
             FROM initiative WHERE organisation_id = $1 ORDER BY start_date DESC, name",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    assemble(db, organisation_id, rows).await
}

/// One satsning of the organisation; another organisation's is "not found".
/// The satsning `id` as `user` may see it (see [`super::may_view`]); one they may not see is
/// "not found", exactly as one that does not exist, so ids reveal nothing. The one access
/// check for a satsning: server functions ([`super::api::load_visible`]) and the server's
/// download and upload handlers (its `VisibleInitiative` extractor) both go through it.
pub async fn visible(db: &Db, user: &CurrentUser, id: i64) -> Result<Initiative, AppError> {
    let initiative = get(db, user.organisation_id, id).await?;
    if super::may_view(user, &initiative) {
        Ok(initiative)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn get(db: &Db, organisation_id: i64, id: i64) -> Result<Initiative, AppError> {
    let rows: Vec<Row> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, summary, target_group, owner_names, start_date, end_date,
                    budget_sek, repayment, status, is_example, follow_up_years
             FROM initiative WHERE organisation_id = $1 AND id = $2",
        )
        .bind(organisation_id)
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    assemble(db, organisation_id, rows)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

async fn assemble(
    db: &Db,
    organisation_id: i64,
    rows: Vec<Row>,
) -> Result<Vec<Initiative>, AppError> {
    let party_links: Vec<PartyLink> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT ip.initiative_id, p.id, p.name, p.kind, p.area
             FROM initiative_party ip JOIN party p ON p.id = ip.party_id
             WHERE p.organisation_id = $1
             ORDER BY CASE p.kind WHEN 'namnd' THEN 0 WHEN 'ideburen' THEN 1 ELSE 2 END, p.name",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    let lead_links: Vec<LeadLink> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT il.initiative_id, u.id, u.name
             FROM initiative_lead il JOIN user_account u ON u.id = il.user_id
             WHERE u.organisation_id = $1 ORDER BY u.name",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    let budget_rows: Vec<(i64, i64, i64)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT b.initiative_id, b.year, b.amount_sek
             FROM initiative_budget_year b JOIN initiative i ON i.id = b.initiative_id
             WHERE i.organisation_id = $1 ORDER BY b.year",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    let mut budget_years: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for (initiative_id, year, amount) in budget_rows {
        budget_years
            .entry(initiative_id)
            .or_default()
            .push((year, amount));
    }
    let mut parties: HashMap<i64, Vec<Party>> = HashMap::new();
    for link in party_links {
        parties.entry(link.initiative_id).or_default().push(Party {
            id: link.id,
            name: link.name,
            kind: PartyKind::from_db(&link.kind).unwrap_or(PartyKind::Company),
            area: link.area,
        });
    }
    let mut leads: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for link in lead_links {
        leads
            .entry(link.initiative_id)
            .or_default()
            .push((link.id, link.name));
    }
    rows.into_iter()
        .map(|row| {
            let status = Status::from_db(&row.status).ok_or_else(|| {
                tracing::error!(id = row.id, status = %row.status, "unknown initiative status");
                AppError::Internal
            })?;
            Ok(Initiative {
                parties: parties.remove(&row.id).unwrap_or_default(),
                leads: leads.remove(&row.id).unwrap_or_default(),
                budget_years: budget_years.remove(&row.id).unwrap_or_default(),
                id: row.id,
                name: row.name,
                summary: row.summary,
                target_group: row.target_group,
                owner_names: row.owner_names,
                start: row.start_date,
                end: row.end_date,
                budget_sek: row.budget_sek,
                repayment: row.repayment,
                status,
                is_example: row.is_example,
                follow_up_years: super::FollowUpYears::from_db(row.follow_up_years),
            })
        })
        .collect()
}

/// Checks that every chosen projektledare is a projektledare of the organisation.
async fn check_leads(db: &Db, organisation_id: i64, lead_ids: &[i64]) -> Result<(), AppError> {
    let allowed =
        crate::auth::repo::users_with_role(db, organisation_id, crate::auth::Role::ProjectLead)
            .await?;
    if lead_ids
        .iter()
        .all(|id| allowed.iter().any(|(a, _)| a == id))
    {
        Ok(())
    } else {
        Err(AppError::field(
            "initiative[leads]",
            "En vald projektledare finns inte. Ladda om sidan och välj igen.",
        ))
    }
}

async fn replace_links(tx: &mut Tx, id: i64, input: &InitiativeInput) -> Result<(), AppError> {
    on_tx!(&mut *tx, |conn| {
        sqlx::query("DELETE FROM initiative_party WHERE initiative_id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    on_tx!(&mut *tx, |conn| {
        sqlx::query("DELETE FROM initiative_lead WHERE initiative_id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    on_tx!(&mut *tx, |conn| {
        sqlx::query("DELETE FROM initiative_budget_year WHERE initiative_id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    for (year, amount) in &input.budget_years {
        on_tx!(&mut *tx, |conn| {
            sqlx::query(
                "INSERT INTO initiative_budget_year (initiative_id, year, amount_sek) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(year)
            .bind(amount)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    for party_id in &input.party_ids {
        on_tx!(&mut *tx, |conn| {
            sqlx::query("INSERT INTO initiative_party (initiative_id, party_id) VALUES ($1, $2)")
                .bind(id)
                .bind(party_id)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    for user_id in &input.lead_ids {
        on_tx!(&mut *tx, |conn| {
            sqlx::query("INSERT INTO initiative_lead (initiative_id, user_id) VALUES ($1, $2)")
                .bind(id)
                .bind(user_id)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    Ok(())
}

fn snapshot(input: &InitiativeInput) -> serde_json::Value {
    serde_json::json!({
        "name": input.name,
        "summary": input.summary,
        "target_group": input.target_group,
        "owner_names": input.owner_names,
        "start": input.start.to_string(),
        "end": input.end.to_string(),
        "budget_sek": input.budget_sek,
        "budget_years": input.budget_years,
        "repayment": input.repayment,
        "follow_up_years": input.follow_up_years.get(),
        "parties": input.party_ids,
        "leads": input.lead_ids,
    })
}

fn snapshot_of(initiative: &Initiative) -> serde_json::Value {
    let mut party_ids: Vec<i64> = initiative.parties.iter().map(|p| p.id).collect();
    party_ids.sort_unstable();
    let mut lead_ids: Vec<i64> = initiative.leads.iter().map(|(id, _)| *id).collect();
    lead_ids.sort_unstable();
    serde_json::json!({
        "name": initiative.name,
        "summary": initiative.summary,
        "target_group": initiative.target_group,
        "owner_names": initiative.owner_names,
        "start": initiative.start.to_string(),
        "end": initiative.end.to_string(),
        "budget_sek": initiative.budget_sek,
        "budget_years": initiative.budget_years,
        "repayment": initiative.repayment,
        "follow_up_years": initiative.follow_up_years.get(),
        "parties": party_ids,
        "leads": lead_ids,
    })
}

/// Creates a satsning in status "idé" (or `status` for seeded history), with its parties and
/// projektledare, its first timeline entry and an audit row.
pub async fn create(
    db: &Db,
    actor: Option<Actor>,
    organisation_id: i64,
    input: &InitiativeInput,
    status: Status,
    is_example: bool,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    check_leads(db, organisation_id, &input.lead_ids).await?;
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO initiative (organisation_id, name, summary, target_group, owner_names,
               start_date, end_date, budget_sek, repayment, status, is_example, created_at, updated_at,
               follow_up_years)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
             RETURNING id",
        )
        .bind(organisation_id)
        .bind(&input.name)
        .bind(&input.summary)
        .bind(&input.target_group)
        .bind(&input.owner_names)
        .bind(input.start)
        .bind(input.end)
        .bind(input.budget_sek)
        .bind(input.repayment)
        .bind(status.as_db())
        .bind(is_example)
        .bind(now)
        .bind(i64::from(input.follow_up_years.get()))
        .fetch_one(conn)
        .await
    })?;
    replace_links(&mut tx, id, input).await?;
    log_status(&mut tx, id, None, status, actor.map(|a| a.user_id), now).await?;
    let changes: serde_json::Map<String, serde_json::Value> = snapshot(input)
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), serde_json::json!({ "after": v })))
        .collect();
    let event = Event {
        organisation_id: Some(organisation_id),
        actor_user_id: actor.map(|a| a.user_id),
        action: Action::Create,
        object_type: "initiative",
        object_id: Some(id),
        changes: serde_json::Value::Object(changes).to_string(),
        ip: None,
    };
    record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves new details; the audit row lists each changed field before → after.
pub async fn update(
    db: &Db,
    actor: Actor,
    before: &Initiative,
    input: &InitiativeInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    check_leads(db, actor.organisation_id, &input.lead_ids).await?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE initiative SET name = $1, summary = $2, target_group = $3, owner_names = $4,
               start_date = $5, end_date = $6, budget_sek = $7, repayment = $8, updated_at = $9,
               follow_up_years = $12
             WHERE id = $10 AND organisation_id = $11",
        )
        .bind(&input.name)
        .bind(&input.summary)
        .bind(&input.target_group)
        .bind(&input.owner_names)
        .bind(input.start)
        .bind(input.end)
        .bind(input.budget_sek)
        .bind(input.repayment)
        .bind(now)
        .bind(before.id)
        .bind(actor.organisation_id)
        .bind(i64::from(input.follow_up_years.get()))
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    replace_links(&mut tx, before.id, input).await?;
    let old = snapshot_of(before);
    let new = snapshot(input);
    let changes: serde_json::Map<String, serde_json::Value> = new
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| old.get(k.as_str()) != Some(v))
        .map(|(k, v)| {
            (
                k.clone(),
                serde_json::json!({ "before": old[k.as_str()], "after": v }),
            )
        })
        .collect();
    if !changes.is_empty() {
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "initiative",
            before.id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn log_status(
    tx: &mut Tx,
    id: i64,
    from: Option<Status>,
    to: Status,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO initiative_status_change (initiative_id, from_status, to_status, changed_by, changed_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(from.map(Status::as_db))
        .bind(to.as_db())
        .bind(by)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Moves the satsning from `from` to `to` (already checked against the rules). If someone
/// else changed the status meanwhile, nothing happens and the user is told.
pub async fn change_status(
    db: &Db,
    actor: Actor,
    id: i64,
    from: Status,
    to: Status,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    if !move_status_in(&mut tx, actor, id, from, to, now).await? {
        return tx
            .abort(AppError::BadRequest(
                "Statusen har just ändrats av någon annan. Ladda om sidan och försök igen.".into(),
            ))
            .await;
    }
    tx.commit().await?;
    Ok(())
}

/// [`change_status`] inside `tx`, with its timeline entry and audit row: whether the satsning
/// was at `from` and is now at `to` (nothing is written otherwise).
pub async fn move_status_in(
    tx: &mut Tx,
    actor: Actor,
    id: i64,
    from: Status,
    to: Status,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE initiative SET status = $1, updated_at = $2
             WHERE id = $3 AND organisation_id = $4 AND status = $5",
        )
        .bind(to.as_db())
        .bind(now)
        .bind(id)
        .bind(actor.organisation_id)
        .bind(from.as_db())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if changed != 1 {
        return Ok(false);
    }
    log_status(tx, id, Some(from), to, Some(actor.user_id), now).await?;
    let changes = serde_json::json!({ "status": { "before": from.as_db(), "after": to.as_db() } });
    record_change(tx, actor, Action::Update, "initiative", id, changes, now).await?;
    Ok(true)
}

/// One entry of the timeline.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimelineRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// The satsning's status changes, oldest first.
pub async fn timeline(db: &Db, id: i64) -> Result<Vec<TimelineRow>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT c.from_status, c.to_status, u.name AS changed_by_name, c.changed_at
             FROM initiative_status_change c LEFT JOIN user_account u ON u.id = c.changed_by
             WHERE c.initiative_id = $1 ORDER BY c.changed_at, c.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?)
}
