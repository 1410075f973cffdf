//! SQL for avvikelser: evaluating a satsning (its flags brought in line with what the rules
//! find, in one transaction with their history and audit rows), the sweep over every
//! satsning, the queue, a flag's page, and the projektledare's and beredningsgrupp's steps.
//! Every query is scoped by organisation; the caller has checked access to the satsning.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    Decision, Explained, Explanation, FlagDetail, FlagEvent, FlagStatus, FlagSummary, QueueFilter,
    Raised, Severity, Step, Stored, Thresholds,
};
use crate::audit::repo::record_change;
use crate::audit::{Action, Actor};
use crate::db::{Db, Reader, Tx};
use crate::error::AppError;
use crate::initiative::Status;
use crate::initiative::repo::Scope;
use crate::report::Period;
use crate::{db_read, db_read_on, on_tx, scoped_sql};

/// What an evaluation needs besides the database: the rules' thresholds, the reporting
/// deadlines and the half-year reports' due dates (all from the configuration).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Settings {
    pub thresholds: Thresholds,
    pub reporting: crate::report::Rules,
    pub half_year_due: crate::report::half::DueDates,
}

/// What an evaluation changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub opened: usize,
    pub reopened: usize,
    pub refreshed: usize,
    pub closed: usize,
}

impl Outcome {
    pub fn changed(&self) -> usize {
        self.opened + self.reopened + self.refreshed + self.closed
    }

    fn add(&mut self, other: Outcome) {
        self.opened += other.opened;
        self.reopened += other.reopened;
        self.refreshed += other.refreshed;
        self.closed += other.closed;
    }
}

#[derive(sqlx::FromRow)]
struct InitiativeRow {
    id: i64,
    organisation_id: i64,
    status: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    budget_sek: i64,
}

impl InitiativeRow {
    /// Whether the satsning reports (from "beslutad" on); one that does not has no flags.
    fn reports(&self) -> bool {
        Status::from_db(&self.status).is_some_and(|s| s >= Status::Decided)
    }

    /// Its reporting months up to `today`, when it reports.
    fn months(&self, today: NaiveDate) -> Vec<Period> {
        if !self.reports() {
            return Vec::new();
        }
        crate::report::reporting_months(self.start_date, self.end_date, today)
    }
}

const INITIATIVES: [&str; 2] = scoped_sql!(
    "SELECT id, organisation_id, status, start_date, end_date, budget_sek
     FROM initiative WHERE id",
    "ORDER BY id"
);

/// What the rules read about the satsningar of a [`Scope`], besides the satsning rows: each
/// table read once for the whole scope (five queries for the schema, one each for the rest).
struct Inputs {
    schemas: HashMap<i64, crate::schema::Schema>,
    series: HashMap<i64, crate::report::repo::Series>,
    marks: HashMap<i64, (HashSet<Period>, HashSet<Period>)>,
    costs: HashMap<i64, Vec<crate::economics::actual::ActualCost>>,
    submitted: HashMap<i64, HashSet<crate::report::half::HalfYear>>,
}

impl Inputs {
    /// The inputs of the satsningar of `scope` for the months `from`–`to`.
    async fn load(
        reader: &mut Reader<'_>,
        scope: Scope,
        organisation_id: i64,
        from: Period,
        to: Period,
    ) -> Result<Self, AppError> {
        let (schemas, series, costs) = match scope {
            Scope::One(id) => (
                HashMap::from([(id, crate::schema::repo::load(&mut *reader, id).await?)]),
                HashMap::from([(
                    id,
                    crate::report::repo::series(&mut *reader, id, from, to).await?,
                )]),
                HashMap::from([(
                    id,
                    crate::economics::actual_repo::costs(&mut *reader, organisation_id, id).await?,
                )]),
            ),
            Scope::Organisation(organisation) => (
                crate::schema::repo::load_organisation(&mut *reader, organisation).await?,
                crate::report::repo::organisation_series(&mut *reader, organisation, from, to)
                    .await?,
                crate::economics::actual_repo::organisation_costs(&mut *reader, organisation)
                    .await?,
            ),
        };
        let one = match scope {
            Scope::One(id) => Some(id),
            Scope::Organisation(_) => None,
        };
        let month_marks =
            crate::report::repo::month_marks(&mut *reader, organisation_id, one, from).await?;
        let mut marks: HashMap<i64, (HashSet<Period>, HashSet<Period>)> = HashMap::new();
        for &(initiative, period) in &month_marks.submitted {
            marks.entry(initiative).or_default().0.insert(period);
        }
        for &(initiative, period) in &month_marks.started {
            marks.entry(initiative).or_default().1.insert(period);
        }
        Ok(Inputs {
            schemas,
            series,
            marks,
            costs,
            submitted: submitted_halves(reader, scope).await?,
        })
    }

    /// What the rules find wrong with satsning `row` on `today` (pure over the loaded inputs).
    fn raise(&self, row: &InitiativeRow, settings: &Settings, today: NaiveDate) -> Vec<Raised> {
        let months = row.months(today);
        let (Some(&first), Some(&last)) = (months.first(), months.last()) else {
            return Vec::new();
        };
        let empty_schema = crate::schema::Schema::default();
        let schema = self.schemas.get(&row.id).unwrap_or(&empty_schema);
        // An organisation's series cover all its satsningar's months: keep this one's.
        let series: crate::report::repo::Series = self
            .series
            .get(&row.id)
            .map(|series| {
                series
                    .iter()
                    .map(|(&measure, points)| {
                        let within = points
                            .iter()
                            .filter(|(p, _)| (first..=last).contains(p))
                            .copied()
                            .collect();
                        (measure, within)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let no_marks = (HashSet::new(), HashSet::new());
        let (submitted, started) = self.marks.get(&row.id).unwrap_or(&no_marks);
        let month_inputs = super::month_inputs(
            schema,
            &series,
            &months,
            submitted,
            started,
            &settings.reporting,
            today,
        );
        let mut subject = super::subject(schema, &series, month_inputs);
        // The budget rule reads the actual costs recorded in the half-year reports.
        let costs = self.costs.get(&row.id).map_or(&[][..], Vec::as_slice);
        subject.initiative.spending =
            super::spending(row.budget_sek, costs, row.start_date, row.end_date, today);
        // The Rapport rule reads which half-year reports are in.
        let halves = crate::report::half::report_halves(row.start_date, row.end_date, today);
        let no_halves = HashSet::new();
        let submitted = self.submitted.get(&row.id).unwrap_or(&no_halves);
        subject.initiative.late_reports =
            super::late_reports(&halves, submitted, &settings.half_year_due, today);
        super::evaluate(&subject, &settings.thresholds)
    }
}

/// The months `initiatives` report on up to `today`, from the earliest to the latest.
fn month_span(initiatives: &[&InitiativeRow], today: NaiveDate) -> Option<(Period, Period)> {
    let months: Vec<Vec<Period>> = initiatives.iter().map(|row| row.months(today)).collect();
    let first = months.iter().filter_map(|m| m.first()).min()?;
    let last = months.iter().filter_map(|m| m.last()).max()?;
    Some((*first, *last))
}

/// Evaluates every rule for satsning `initiative_id` as of `now` and brings its flags in line:
/// new ones opened, cleared ones closed with a note, recurring ones reopened. A satsning that
/// does not report (before "beslutad") has no flags. Evaluating twice changes nothing.
pub async fn evaluate(
    db: &Db,
    initiative_id: i64,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let Some((organisation_id, raised)) =
        raise_one(&mut Reader::Pools(db), initiative_id, settings, now).await?
    else {
        return Err(AppError::NotFound);
    };
    apply(db, organisation_id, initiative_id, &raised, now).await
}

/// [`evaluate`] inside `tx`, which has just changed the satsning's values: the rules read
/// them as the transaction sees them, and the flags are written with them in one commit.
pub async fn evaluate_in(
    tx: &mut Tx,
    initiative_id: i64,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let Some((organisation_id, raised)) =
        raise_one(&mut Reader::Tx(tx), initiative_id, settings, now).await?
    else {
        return Err(AppError::NotFound);
    };
    write_steps(tx, organisation_id, initiative_id, &raised, now).await
}

/// What the rules find for satsning `initiative_id` as of `now`, with its organisation;
/// `None` when there is no such satsning.
async fn raise_one(
    reader: &mut Reader<'_>,
    initiative_id: i64,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Option<(i64, Vec<Raised>)>, AppError> {
    let today = crate::sv::time::local_date(now);
    let scope = Scope::One(initiative_id);
    let row: Option<InitiativeRow> = db_read_on!(&mut *reader, |e| {
        sqlx::query_as(scope.pick(INITIATIVES))
            .bind(scope.key())
            .fetch_optional(e)
            .await
    })?;
    let Some(row) = row else {
        return Ok(None);
    };
    let raised = match month_span(&[&row], today) {
        Some((first, last)) => Inputs::load(reader, scope, row.organisation_id, first, last)
            .await?
            .raise(&row, settings, today),
        None => Vec::new(),
    };
    Ok(Some((row.organisation_id, raised)))
}

const SUBMITTED_HALVES: [&str; 2] = scoped_sql!(
    "SELECT r.initiative_id, r.year, r.half FROM half_year_report r
     WHERE EXISTS (SELECT 1 FROM half_year_version v WHERE v.report_id = r.id)
       AND r.initiative_id",
    ""
);

/// The half-years whose report has been submitted at least once, per satsning of `scope` (a
/// report sent back for completion was still in on time). The table is the half-year
/// reports' (`halfyear`, above this concept); only this fact is read here.
async fn submitted_halves(
    reader: &mut Reader<'_>,
    scope: Scope,
) -> Result<HashMap<i64, HashSet<crate::report::half::HalfYear>>, AppError> {
    let rows: Vec<(i64, i64, i64)> = db_read_on!(reader, |pool| {
        sqlx::query_as(scope.pick(SUBMITTED_HALVES))
            .bind(scope.key())
            .fetch_all(pool)
            .await
    })?;
    let mut halves: HashMap<i64, HashSet<crate::report::half::HalfYear>> = HashMap::new();
    for (initiative, year, half) in rows {
        if let Some(half) = crate::report::half::HalfYear::new(year as i32, half as u8) {
            halves.entry(initiative).or_default().insert(half);
        }
    }
    Ok(halves)
}

/// Organisations the sweep evaluates at once: one's rules run while another's reads wait.
const SWEEP_CONCURRENCY: usize = 2;

/// Evaluates every satsning that reports, in every organisation: the time-based rules
/// (missing and late months) change with the calendar, not with a save, and every other rule
/// is run again too (a save whose evaluation failed is caught up here). Each organisation's
/// tables are read once for all its satsningar; only satsningar whose flags change take the
/// write lock. The scheduler calls it; tests call it with their own `now`.
pub async fn sweep(db: &Db, settings: &Settings, now: DateTime<Utc>) -> Result<Outcome, AppError> {
    let organisations: Vec<i64> = db_read!(db, |pool| {
        sqlx::query_scalar("SELECT DISTINCT organisation_id FROM initiative ORDER BY 1")
            .fetch_all(pool)
            .await
    })?;
    use futures::{StreamExt, TryStreamExt};
    futures::stream::iter(organisations)
        .map(|organisation| sweep_organisation(db, organisation, settings, now))
        .buffer_unordered(SWEEP_CONCURRENCY)
        .try_fold(Outcome::default(), |mut total, outcome| async move {
            total.add(outcome);
            Ok(total)
        })
        .await
}

/// [`sweep`] for one organisation.
async fn sweep_organisation(
    db: &Db,
    organisation_id: i64,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let today = crate::sv::time::local_date(now);
    let scope = Scope::Organisation(organisation_id);
    let rows: Vec<InitiativeRow> = db_read!(db, |pool| {
        sqlx::query_as(scope.pick(INITIATIVES))
            .bind(scope.key())
            .fetch_all(pool)
            .await
    })?;
    let mut stored = organisation_stored(db, organisation_id).await?;
    // Those that do not report are looked at only if they still have open flags.
    let due: Vec<&InitiativeRow> = rows
        .iter()
        .filter(|row| {
            row.reports()
                || stored
                    .get(&row.id)
                    .is_some_and(|flags| flags.iter().any(|f| f.status.is_open()))
        })
        .collect();
    let inputs = match month_span(&due, today) {
        Some((first, last)) => {
            Some(Inputs::load(&mut Reader::Pools(db), scope, organisation_id, first, last).await?)
        }
        None => None,
    };
    let mut total = Outcome::default();
    for row in due {
        let raised = inputs
            .as_ref()
            .map(|inputs| inputs.raise(row, settings, today))
            .unwrap_or_default();
        let current = stored.remove(&row.id).unwrap_or_default();
        total.add(apply_if_changed(db, organisation_id, row.id, &raised, &current, now).await?);
    }
    Ok(total)
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    id: i64,
    rule: String,
    measure_id: Option<i64>,
    window_key: String,
    severity: String,
    status: String,
    explanation: String,
    numbers: String,
    points: String,
}

fn numbers_json(numbers: &[(String, f64)]) -> String {
    serde_json::to_string(numbers).unwrap_or_else(|_| "[]".into())
}

fn points_json(points: &[Period]) -> String {
    let texts: Vec<String> = points.iter().map(Period::to_string).collect();
    serde_json::to_string(&texts).unwrap_or_else(|_| "[]".into())
}

fn points_of(text: &str) -> Vec<Period> {
    serde_json::from_str::<Vec<String>>(text)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| Period::parse(p))
        .collect()
}

/// The stored flags' columns [`super::reconcile`] compares.
const STORED_SQL: &str =
    "SELECT id, rule, measure_id, window_key, severity, status, explanation, numbers, points
     FROM deviation_flag WHERE initiative_id = $1 ORDER BY id";

fn stored_of(rows: Vec<StoredRow>) -> Vec<Stored> {
    rows.into_iter()
        .filter_map(|r| {
            Some(Stored {
                id: r.id,
                severity: Severity::from_db(&r.severity)?,
                status: FlagStatus::from_db(&r.status)?,
                numbers: serde_json::from_str(&r.numbers).unwrap_or_default(),
                points: points_of(&r.points),
                rule: r.rule,
                measure_id: r.measure_id,
                window: r.window_key,
                explanation: r.explanation,
            })
        })
        .collect()
}

/// The flags of a satsning as [`super::reconcile`] compares them, read in `tx`.
async fn stored(tx: &mut Tx, initiative_id: i64) -> Result<Vec<Stored>, AppError> {
    let rows: Vec<StoredRow> = on_tx!(tx, |conn| {
        sqlx::query_as(STORED_SQL)
            .bind(initiative_id)
            .fetch_all(conn)
            .await
    })?;
    Ok(stored_of(rows))
}

/// The flags of every satsning of the organisation, by satsning (for the sweep).
async fn organisation_stored(
    db: &Db,
    organisation_id: i64,
) -> Result<HashMap<i64, Vec<Stored>>, AppError> {
    let rows: Vec<(i64, StoredRow)> = db_read!(db, |pool| {
        sqlx::query_as::<_, OwnedStoredRow>(
            "SELECT initiative_id, id, rule, measure_id, window_key, severity, status,
                    explanation, numbers, points
             FROM deviation_flag WHERE organisation_id = $1 ORDER BY id",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?
    .into_iter()
    .map(|r| (r.initiative_id, r.row))
    .collect();
    let mut grouped: HashMap<i64, Vec<StoredRow>> = HashMap::new();
    for (initiative, row) in rows {
        grouped.entry(initiative).or_default().push(row);
    }
    Ok(grouped
        .into_iter()
        .map(|(initiative, rows)| (initiative, stored_of(rows)))
        .collect())
}

#[derive(sqlx::FromRow)]
struct OwnedStoredRow {
    initiative_id: i64,
    #[sqlx(flatten)]
    row: StoredRow,
}

/// One line of a flag's history written by a person, and its audit row.
async fn event(
    tx: &mut Tx,
    actor: Actor,
    flag_id: i64,
    (kind, before, after): (&str, FlagStatus, FlagStatus),
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO deviation_event (flag_id, at, actor_user_id, kind, status_before, status_after, text)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(flag_id)
        .bind(now)
        .bind(actor.user_id)
        .bind(kind)
        .bind(before.as_db())
        .bind(after.as_db())
        .bind(text)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let changes = event_changes(kind, Some(before), after, text);
    record_change(
        tx,
        actor,
        Action::Update,
        "deviation_flag",
        flag_id,
        changes,
        now,
    )
    .await?;
    Ok(())
}

/// Writes what [`super::reconcile`] says, in one transaction. Each statement is conditional
/// on the state it expects, and a new flag is inserted only if its key is free, so another
/// instance evaluating at the same moment cannot make a duplicate (or a double event).
async fn apply(
    db: &Db,
    organisation_id: i64,
    initiative_id: i64,
    raised: &[Raised],
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    // Most evaluations change nothing: find that out without taking the write lock.
    let current: Vec<StoredRow> = db_read!(db, |pool| {
        sqlx::query_as(STORED_SQL)
            .bind(initiative_id)
            .fetch_all(pool)
            .await
    })?;
    apply_if_changed(
        db,
        organisation_id,
        initiative_id,
        raised,
        &stored_of(current),
        now,
    )
    .await
}

/// [`apply`] given the flags as last read (`current`, perhaps stale): nothing is written when
/// they already match; otherwise the transaction reads them again and decides.
async fn apply_if_changed(
    db: &Db,
    organisation_id: i64,
    initiative_id: i64,
    raised: &[Raised],
    current: &[Stored],
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    if super::reconcile(current, raised).is_empty() {
        return Ok(Outcome::default());
    }
    let mut tx = db.begin().await?;
    let outcome = write_steps(&mut tx, organisation_id, initiative_id, raised, now).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Brings the satsning's flags in line with `raised` inside `tx`: reads them there and writes
/// the steps [`super::reconcile`] says.
async fn write_steps(
    tx: &mut Tx,
    organisation_id: i64,
    initiative_id: i64,
    raised: &[Raised],
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let stored = stored(tx, initiative_id).await?;
    let steps = super::reconcile(&stored, raised);
    if steps.is_empty() {
        return Ok(Outcome::default());
    }
    let mut outcome = Outcome::default();
    let mut events: Vec<NewEvent> = Vec::new();
    // Each kind of step is one statement for all its flags (a save that moves a measure's
    // mean refreshes dozens of flags at once); each statement is conditional per row.
    let opens: Vec<&Raised> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Open(r) => Some(*r),
            _ => None,
        })
        .collect();
    for (id, raised) in open_flags(tx, organisation_id, initiative_id, &opens, now).await? {
        let f = &raised.finding;
        events.push(NewEvent::new(
            id,
            "oppnad",
            None,
            FlagStatus::New,
            &f.explanation,
        ));
        outcome.opened += 1;
    }
    let reopens: Vec<(i64, &Raised)> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Reopen { id, raised } => Some((*id, *raised)),
            _ => None,
        })
        .collect();
    let reopened = update_flags(
        tx,
        "status = 'ny', severity = v.column2, explanation = v.column3, numbers = v.column4,
         points = v.column5, provisional = v.column6, updated_at = v.column7, closed_at = NULL,
         close_note = '', reason = '', planned_action = '', decision = NULL,
         decision_comment = ''",
        "deviation_flag.status = 'stangd'",
        &reopens,
        now,
    )
    .await?;
    for (id, raised) in &reopens {
        if reopened.contains_key(id) {
            let text = &raised.finding.explanation;
            let closed = Some(FlagStatus::Closed);
            events.push(NewEvent::new(
                *id,
                "ateroppnad",
                closed,
                FlagStatus::New,
                text,
            ));
            outcome.reopened += 1;
        }
    }
    let refreshes: Vec<(i64, &Raised, Severity)> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Refresh {
                id,
                raised,
                severity_was,
            } => Some((*id, *raised, *severity_was)),
            _ => None,
        })
        .collect();
    let pairs: Vec<(i64, &Raised)> = refreshes.iter().map(|(id, r, _)| (*id, *r)).collect();
    let refreshed = update_flags(
        tx,
        "severity = v.column2, explanation = v.column3, numbers = v.column4, points = v.column5,
         provisional = v.column6, updated_at = v.column7",
        "deviation_flag.status <> 'stangd'",
        &pairs,
        now,
    )
    .await?;
    for (id, raised, severity_was) in &refreshes {
        let Some(&status) = refreshed.get(id) else {
            continue;
        };
        let f = &raised.finding;
        if *severity_was != f.severity {
            let text = format!(
                "{} → {}: {}",
                severity_was.light().label(),
                f.severity.light().label(),
                f.explanation
            );
            events.push(NewEvent::new(
                *id,
                "allvarlighet",
                Some(status),
                status,
                &text,
            ));
        }
        outcome.refreshed += 1;
    }
    let closes: Vec<(i64, &str)> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Close { id, note } => Some((*id, note.as_str())),
            _ => None,
        })
        .collect();
    for id in close_flags(tx, &closes, now).await? {
        let before = stored.iter().find(|s| s.id == id).map(|s| s.status);
        let note = closes
            .iter()
            .find(|(c, _)| *c == id)
            .map_or("", |(_, n)| *n);
        events.push(NewEvent::new(
            id,
            "stangd",
            before,
            FlagStatus::Closed,
            note,
        ));
        outcome.closed += 1;
    }
    record_events(tx, organisation_id, &events, now).await?;
    Ok(outcome)
}

/// A line of a flag's history that Utfall itself writes.
struct NewEvent {
    flag_id: i64,
    kind: &'static str,
    before: Option<FlagStatus>,
    after: FlagStatus,
    text: String,
}

impl NewEvent {
    fn new(
        flag_id: i64,
        kind: &'static str,
        before: Option<FlagStatus>,
        after: FlagStatus,
        text: &str,
    ) -> Self {
        NewEvent {
            flag_id,
            kind,
            before,
            after,
            text: text.to_string(),
        }
    }
}

/// Rows per multi-row statement: at most ten bound values each, well under both backends'
/// limit on bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// Inserts the new flags whose key is free; the id and finding of each inserted.
async fn open_flags<'a>(
    tx: &mut Tx,
    organisation_id: i64,
    initiative_id: i64,
    opens: &[&'a Raised],
    now: DateTime<Utc>,
) -> Result<Vec<(i64, &'a Raised)>, AppError> {
    let mut opened = Vec::new();
    for chunk in opens.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<(i64, String, i64, String)> = on_tx!(&mut *tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO deviation_flag
                   (organisation_id, initiative_id, measure_id, measure_key, rule, window_key,
                    severity, status, explanation, numbers, points, provisional,
                    opened_at, updated_at) ",
            );
            insert.push_values(chunk, |mut row, r| {
                let f = &r.finding;
                row.push_bind(organisation_id)
                    .push_bind(initiative_id)
                    .push_bind(r.measure_id)
                    .push_bind(r.measure_id.unwrap_or(0))
                    .push_bind(r.rule)
                    .push_bind(f.window.as_str())
                    .push_bind(f.severity.as_db())
                    .push_bind("ny")
                    .push_bind(f.explanation.as_str())
                    .push_bind(numbers_json(&f.numbers))
                    .push_bind(points_json(&f.points))
                    .push_bind(f.provisional)
                    .push_bind(now)
                    .push_bind(now);
            });
            insert.push(
                " ON CONFLICT (initiative_id, rule, measure_key, window_key) DO NOTHING
                  RETURNING id, rule, measure_key, window_key",
            );
            insert.build_query_as().fetch_all(conn).await
        })?;
        for (id, rule, measure_key, window) in rows {
            if let Some(r) = chunk.iter().find(|r| {
                r.rule == rule
                    && r.measure_id.unwrap_or(0) == measure_key
                    && r.finding.window == window
            }) {
                opened.push((id, *r));
            }
        }
    }
    Ok(opened)
}

/// Sets the findings' columns by `set` (over `v.column1` = id … `v.column7` = now) on the
/// flags `updates` names where `condition` holds; the status of each updated flag.
async fn update_flags(
    tx: &mut Tx,
    set: &'static str,
    condition: &'static str,
    updates: &[(i64, &Raised)],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, FlagStatus>, AppError> {
    let mut updated = HashMap::new();
    for chunk in updates.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<(i64, String)> = on_tx!(&mut *tx, |conn| {
            let mut update = sqlx::QueryBuilder::new("UPDATE deviation_flag SET ");
            update.push(set);
            update.push(" FROM (");
            update.push_values(chunk, |mut row, (id, r)| {
                let f = &r.finding;
                row.push_bind(*id)
                    .push_bind(f.severity.as_db())
                    .push_bind(f.explanation.as_str())
                    .push_bind(numbers_json(&f.numbers))
                    .push_bind(points_json(&f.points))
                    .push_bind(f.provisional)
                    .push_bind(now);
            });
            update.push(") AS v WHERE deviation_flag.id = v.column1 AND ");
            update.push(condition);
            update.push(" RETURNING deviation_flag.id, deviation_flag.status");
            update.build_query_as().fetch_all(conn).await
        })?;
        updated.extend(
            rows.into_iter()
                .filter_map(|(id, status)| Some((id, FlagStatus::from_db(&status)?))),
        );
    }
    Ok(updated)
}

/// Closes the open flags of `closes` with their notes; the ids closed.
async fn close_flags(
    tx: &mut Tx,
    closes: &[(i64, &str)],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let mut closed = Vec::new();
    for chunk in closes.chunks(ROWS_PER_STATEMENT) {
        let ids: Vec<i64> = on_tx!(&mut *tx, |conn| {
            let mut update = sqlx::QueryBuilder::new(
                "UPDATE deviation_flag SET status = 'stangd', close_note = v.column2,
                   closed_at = v.column3, updated_at = v.column3 FROM (",
            );
            update.push_values(chunk, |mut row, (id, note)| {
                row.push_bind(*id).push_bind(*note).push_bind(now);
            });
            update.push(
                ") AS v WHERE deviation_flag.id = v.column1 AND deviation_flag.status <> 'stangd'
                 RETURNING deviation_flag.id",
            );
            update.build_query_scalar().fetch_all(conn).await
        })?;
        closed.extend(ids);
    }
    Ok(closed)
}

/// The history lines Utfall wrote, and their audit rows: two statements for all of them.
async fn record_events(
    tx: &mut Tx,
    organisation_id: i64,
    events: &[NewEvent],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        on_tx!(&mut *tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO deviation_event
                   (flag_id, at, actor_user_id, kind, status_before, status_after, text) ",
            );
            insert.push_values(chunk, |mut row, e| {
                row.push_bind(e.flag_id)
                    .push_bind(now)
                    .push_bind(None::<i64>)
                    .push_bind(e.kind)
                    .push_bind(e.before.map(FlagStatus::as_db))
                    .push_bind(e.after.as_db())
                    .push_bind(e.text.as_str());
            });
            insert.build().execute(conn).await.map(|_| ())
        })?;
        let changes: Vec<crate::audit::repo::Change> = chunk
            .iter()
            .map(|e| crate::audit::repo::Change {
                action: if e.before.is_none() {
                    Action::Create
                } else {
                    Action::Update
                },
                object_id: Some(e.flag_id),
                changes: event_changes(e.kind, e.before, e.after, &e.text),
            })
            .collect();
        crate::audit::repo::record_changes(
            tx,
            crate::audit::Agent::system(organisation_id),
            "deviation_flag",
            &changes,
            now,
        )
        .await?;
    }
    Ok(())
}

/// The audit row's changes of a history line.
fn event_changes(
    kind: &str,
    before: Option<FlagStatus>,
    after: FlagStatus,
    text: &str,
) -> serde_json::Value {
    serde_json::json!({
        "status": { "before": before.map(FlagStatus::as_db), "after": after.as_db() },
        "event": { "after": kind },
        "text": { "after": text },
    })
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    initiative_id: i64,
    initiative_name: String,
    is_example: bool,
    measure_id: Option<i64>,
    measure_code: Option<String>,
    measure_name: Option<String>,
    rule: String,
    window_key: String,
    severity: String,
    status: String,
    explanation: String,
    decision: Option<String>,
    opened_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl SummaryRow {
    fn summary(self) -> Option<FlagSummary> {
        Some(FlagSummary {
            id: self.id,
            initiative_id: self.initiative_id,
            initiative_name: self.initiative_name,
            is_example: self.is_example,
            measure_id: self.measure_id,
            measure: self
                .measure_code
                .zip(self.measure_name)
                .map(|(c, n)| format!("{c} {n}")),
            rule: self.rule,
            window: self.window_key,
            severity: Severity::from_db(&self.severity)?,
            status: FlagStatus::from_db(&self.status)?,
            explanation: self.explanation,
            decision: self.decision.as_deref().and_then(Decision::from_db),
            opened_text: crate::sv::time::local(self.opened_at),
            opened_at: self.opened_at,
            updated_at: self.updated_at,
        })
    }
}

/// The flag summary's SELECT followed by `$rest` (the WHERE and ORDER BY), as one literal.
macro_rules! summary_sql {
    ($($rest:tt)*) => {
        concat!(
            "SELECT f.id, f.initiative_id, i.name AS initiative_name, i.is_example,
        f.measure_id, m.code AS measure_code, m.name AS measure_name, f.rule, f.window_key,
        f.severity, f.status, f.explanation, f.decision, f.opened_at, f.updated_at
     FROM deviation_flag f
     JOIN initiative i ON i.id = f.initiative_id
     LEFT JOIN measure m ON m.id = f.measure_id ",
            $($rest)*
        )
    };
}

/// The queue's filter as SQL over `deviation_flag f` ($1 the organisation, $2–$6 the filters).
macro_rules! queue_where {
    () => {
        "WHERE f.organisation_id = $1
           AND ($2 IS NULL OR f.initiative_id = $2)
           AND ($3 IS NULL OR f.rule = $3)
           AND (($4 IS NULL AND f.status <> 'stangd') OR f.status = $4)
           AND ($5 IS NULL OR f.initiative_id IN
                (SELECT initiative_id FROM initiative_lead WHERE user_id = $5))
           AND ($6 IS NULL OR f.initiative_id IN
                (SELECT initiative_id FROM initiative_party WHERE party_id = $6))"
    };
}

/// The organisation's flags narrowed by `filter` (open ones unless a status is asked for),
/// red first, then oldest first.
pub async fn queue(
    db: &Db,
    organisation_id: i64,
    filter: &QueueFilter,
) -> Result<Vec<FlagSummary>, AppError> {
    queue_rows(db, organisation_id, filter, 0, i64::MAX).await
}

/// `limit` of the flags [`queue`] lists, from `offset`: the queue's order is SQL's, so a page
/// reads only its own rows however many flags are open.
async fn queue_rows(
    db: &Db,
    organisation_id: i64,
    filter: &QueueFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<FlagSummary>, AppError> {
    let sql = summary_sql!(
        queue_where!(),
        " ORDER BY CASE f.severity WHEN 'rod' THEN 0 ELSE 1 END, f.opened_at, f.id
          LIMIT $7 OFFSET $8"
    );
    let status = filter.status.map(FlagStatus::as_db);
    let rows: Vec<SummaryRow> = db_read!(db, |pool| {
        sqlx::query_as(sql)
            .bind(organisation_id)
            .bind(filter.initiative_id)
            .bind(filter.rule.as_deref())
            .bind(status)
            .bind(filter.led_by)
            .bind(filter.party_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows.into_iter().filter_map(SummaryRow::summary).collect())
}

/// One page of the queue: `limit` flags from `offset`, and how many the filter finds in all.
pub async fn queue_page(
    db: &Db,
    organisation_id: i64,
    filter: &QueueFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<FlagSummary>, i64), AppError> {
    let flags = queue_rows(db, organisation_id, filter, offset, limit).await?;
    let status = filter.status.map(FlagStatus::as_db);
    let total: i64 = db_read!(db, |pool| {
        sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM deviation_flag f ",
            queue_where!()
        ))
        .bind(organisation_id)
        .bind(filter.initiative_id)
        .bind(filter.rule.as_deref())
        .bind(status)
        .bind(filter.led_by)
        .bind(filter.party_id)
        .fetch_one(pool)
        .await
    })?;
    Ok((flags, total))
}

/// Flags opened or changed at or after `since` (closed ones included): the meeting's agenda.
pub async fn changed_since(
    db: &Db,
    organisation_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<FlagSummary>, AppError> {
    let sql = summary_sql!("WHERE f.organisation_id = $1 AND f.updated_at >= $2 ORDER BY f.id");
    let rows: Vec<SummaryRow> = db_read!(db, |pool| {
        sqlx::query_as(sql)
            .bind(organisation_id)
            .bind(since)
            .fetch_all(pool)
            .await
    })?;
    let mut flags: Vec<FlagSummary> = rows.into_iter().filter_map(SummaryRow::summary).collect();
    super::queue_order(&mut flags);
    Ok(flags)
}

/// Open flags per satsning of the organisation: (count, worst severity).
pub async fn open_counts(
    db: &Db,
    organisation_id: i64,
) -> Result<HashMap<i64, (usize, Severity)>, AppError> {
    let rows: Vec<(i64, String, i64)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT initiative_id, severity, COUNT(*) FROM deviation_flag
             WHERE organisation_id = $1 AND status <> 'stangd'
             GROUP BY initiative_id, severity",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    let mut counts: HashMap<i64, (usize, Severity)> = HashMap::new();
    for (initiative, severity, count) in rows {
        let Some(severity) = Severity::from_db(&severity) else {
            continue;
        };
        let entry = counts.entry(initiative).or_insert((0, severity));
        entry.0 += count as usize;
        entry.1 = entry.1.max(severity);
    }
    Ok(counts)
}

/// The open flags of satsning `initiative_id` that concern a measure, for its charts:
/// (flag, measure, rule, the months it concerns).
pub async fn chart_flags(
    db: &Db,
    organisation_id: i64,
    initiative_id: i64,
) -> Result<Vec<(i64, i64, String, Vec<Period>)>, AppError> {
    let rows: Vec<(i64, i64, String, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, measure_id, rule, points FROM deviation_flag
             WHERE organisation_id = $1 AND initiative_id = $2 AND status <> 'stangd'
               AND measure_id IS NOT NULL
             ORDER BY id",
        )
        .bind(organisation_id)
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, measure, rule, points)| (id, measure, rule, points_of(&points)))
        .collect())
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    reason: String,
    planned_action: String,
    decision_comment: String,
    close_note: String,
    points: String,
    provisional: bool,
}

/// A history row: when, by whom, kind, status after, text.
type EventRow = (DateTime<Utc>, Option<String>, String, String, String);

/// Flag `id` of the organisation with its history, oldest event first.
pub async fn detail(db: &Db, organisation_id: i64, id: i64) -> Result<FlagDetail, AppError> {
    let sql = summary_sql!("WHERE f.organisation_id = $1 AND f.id = $2");
    let summary: Option<SummaryRow> = db_read!(db, |pool| {
        sqlx::query_as(sql)
            .bind(organisation_id)
            .bind(id)
            .fetch_optional(pool)
            .await
    })?;
    let summary = summary
        .and_then(SummaryRow::summary)
        .ok_or(AppError::NotFound)?;
    let row: DetailRow = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT reason, planned_action, decision_comment, close_note, points, provisional
             FROM deviation_flag WHERE id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await
    })?;
    let events: Vec<EventRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT e.at, u.name, e.kind, e.status_after, e.text
                 FROM deviation_event e LEFT JOIN user_account u ON u.id = e.actor_user_id
                 WHERE e.flag_id = $1 ORDER BY e.at, e.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    Ok(FlagDetail {
        summary,
        reason: row.reason,
        planned_action: row.planned_action,
        decision_comment: row.decision_comment,
        close_note: row.close_note,
        points: points_of(&row.points),
        provisional: row.provisional,
        events: events
            .into_iter()
            .filter_map(|(at, actor, kind, after, text)| {
                Some(FlagEvent {
                    at_text: crate::sv::time::local(at),
                    at,
                    actor,
                    kind,
                    status_after: FlagStatus::from_db(&after)?,
                    text,
                })
            })
            .collect(),
    })
}

/// The satsning's flags with anything in their history between `from` and `until` (the
/// half-year report reads them), each with its whole history, in the order they were opened.
pub async fn with_events_between(
    db: &Db,
    organisation_id: i64,
    initiative_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<FlagDetail>, AppError> {
    let ids: Vec<i64> = db_read!(db, |pool| {
        sqlx::query_scalar(
            "SELECT f.id FROM deviation_flag f
             WHERE f.organisation_id = $1 AND f.initiative_id = $2
               AND EXISTS (SELECT 1 FROM deviation_event e
                           WHERE e.flag_id = f.id AND e.at >= $3 AND e.at < $4)
             ORDER BY f.opened_at, f.id",
        )
        .bind(organisation_id)
        .bind(initiative_id)
        .bind(from)
        .bind(until)
        .fetch_all(pool)
        .await
    })?;
    let mut flags = Vec::with_capacity(ids.len());
    for id in ids {
        flags.push(detail(db, organisation_id, id).await?);
    }
    Ok(flags)
}

/// The explanations given at or after `since` in the organisation, oldest first, each with its
/// flag as the queue shows it (for the beredningsgrupp's notification).
pub async fn explained_since(
    db: &Db,
    organisation_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<Explained>, AppError> {
    let events: Vec<(i64, i64, Option<String>, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT e.id, e.flag_id, u.name, e.text
             FROM deviation_event e
             JOIN deviation_flag f ON f.id = e.flag_id
             LEFT JOIN user_account u ON u.id = e.actor_user_id
             WHERE f.organisation_id = $1 AND e.kind = 'forklarad' AND e.at >= $2
             ORDER BY e.at, e.id",
        )
        .bind(organisation_id)
        .bind(since)
        .fetch_all(pool)
        .await
    })?;
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let sql = summary_sql!(
        "WHERE f.organisation_id = $1 AND f.id IN
            (SELECT flag_id FROM deviation_event WHERE kind = 'forklarad' AND at >= $2)"
    );
    let flags: HashMap<i64, FlagSummary> = db_read!(db, |pool| {
        sqlx::query_as::<_, SummaryRow>(sql)
            .bind(organisation_id)
            .bind(since)
            .fetch_all(pool)
            .await
    })?
    .into_iter()
    .filter_map(SummaryRow::summary)
    .map(|f| (f.id, f))
    .collect();
    Ok(events
        .into_iter()
        .filter_map(|(event_id, flag_id, by, text)| {
            Some(Explained {
                event_id,
                flag: flags.get(&flag_id)?.clone(),
                by: by.unwrap_or_default(),
                text,
            })
        })
        .collect())
}

/// Where a flag stands for a step that needs it open.
enum Standing {
    Open(FlagStatus),
    Closed,
    Missing,
}

/// Flag `id` of the actor's organisation, read in `tx`.
async fn standing(tx: &mut Tx, actor: Actor, id: i64) -> Result<Standing, AppError> {
    let status: Option<String> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT status FROM deviation_flag WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id)
        .bind(actor.organisation_id)
        .fetch_optional(conn)
        .await
    })?;
    Ok(match status.as_deref().and_then(FlagStatus::from_db) {
        Some(status) if status.is_open() => Standing::Open(status),
        Some(_) => Standing::Closed,
        None => Standing::Missing,
    })
}

/// Förklara: the projektledare's explanation and planned action; the flag becomes förklarad.
/// A closed flag cannot be explained (409).
pub async fn explain(
    db: &Db,
    actor: Actor,
    id: i64,
    explanation: &Explanation,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let before = match standing(&mut tx, actor, id).await? {
        Standing::Open(status) => status,
        Standing::Missing => return tx.abort(AppError::NotFound).await,
        Standing::Closed => {
            return tx
                .abort(AppError::Conflict(
                    "Avvikelsen är redan stängd och kan inte förklaras.".into(),
                ))
                .await;
        }
    };
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE deviation_flag SET status = 'forklarad', reason = $2, planned_action = $3,
               updated_at = $4
             WHERE id = $1",
        )
        .bind(id)
        .bind(&explanation.explanation)
        .bind(&explanation.planned_action)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let text = format!(
        "{}\nPlanerad åtgärd: {}",
        explanation.explanation, explanation.planned_action
    );
    event(
        &mut tx,
        actor,
        id,
        ("forklarad", before, FlagStatus::Explained),
        &text,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The beredningsgrupp's decision on `ids` (one or many, with one comment): each becomes
/// hanterad. `None` is the queue's "Markera som hanterad" without a particular decision. All
/// or nothing: an unknown or closed flag among them stops the whole decision.
pub async fn decide(
    db: &Db,
    actor: Actor,
    ids: &[i64],
    decision: Option<Decision>,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut tx = db.begin().await?;
    for &id in ids {
        let before = match standing(&mut tx, actor, id).await? {
            Standing::Open(status) => status,
            Standing::Missing => return tx.abort(AppError::NotFound).await,
            Standing::Closed => {
                return tx
                    .abort(AppError::Conflict(
                        "En av avvikelserna har stängts under tiden. Ladda om sidan och försök igen."
                            .into(),
                    ))
                    .await;
            }
        };
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "UPDATE deviation_flag SET status = 'hanterad', decision = $2,
                   decision_comment = $3, updated_at = $4
                 WHERE id = $1",
            )
            .bind(id)
            .bind(decision.map(Decision::as_db))
            .bind(comment)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
        let label = decision.map_or("Markerad som hanterad", Decision::label);
        let text = format!("{label}: {comment}");
        event(
            &mut tx,
            actor,
            id,
            ("hanterad", before, FlagStatus::Handled),
            &text,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// The satsningar of `ids` (flag ids) in the organisation, for the access check per object.
pub async fn initiatives_of(
    db: &Db,
    organisation_id: i64,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>, AppError> {
    let mut found = Vec::new();
    for &id in ids {
        let initiative: Option<i64> = db_read!(db, |pool| {
            sqlx::query_scalar(
                "SELECT initiative_id FROM deviation_flag WHERE id = $1 AND organisation_id = $2",
            )
            .bind(id)
            .bind(organisation_id)
            .fetch_optional(pool)
            .await
        })?;
        found.push((id, initiative.ok_or(AppError::NotFound)?));
    }
    Ok(found)
}

/// The hook the reporting runs when a satsning's values changed (form, import, correction,
/// survey transfer, half-year costs and submission): its flags are evaluated inside the same
/// transaction. A failure undoes only the flags' writes and is logged, not shown — the values
/// are saved, and the next sweep evaluates again.
pub fn after_values(settings: Settings) -> crate::report::AfterValues {
    crate::report::AfterValues::new(move |tx, initiative_id| {
        Box::pin(async move {
            evaluate_in(tx, initiative_id, &settings, Utc::now())
                .await
                .map(|_| ())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deviation::Finding;

    /// A flag as the database hands it back, with the numbers of `raised` written as
    /// [`apply`] writes them.
    fn stored_as_written(raised: &Raised) -> Stored {
        let f = &raised.finding;
        let row = StoredRow {
            id: 1,
            rule: raised.rule.into(),
            measure_id: raised.measure_id,
            window_key: f.window.clone(),
            severity: f.severity.as_db().into(),
            status: FlagStatus::New.as_db().into(),
            explanation: f.explanation.clone(),
            numbers: numbers_json(&f.numbers),
            points: points_json(&f.points),
        };
        stored_of(vec![row]).pop().expect("a valid row")
    }

    #[test]
    fn a_flag_read_back_from_the_database_is_unchanged_whatever_its_numbers() {
        // Means, process limits and target lines are arbitrary binary fractions; serde_json's
        // default parser reads about one in eight of them back one unit in the last place off,
        // which made every sweep "refresh" those flags again (6 000 at national scale).
        for (n, sum) in (1..=60).flat_map(|n| (0..500).map(move |s| (n, s))) {
            let mean = f64::from(sum) / f64::from(n);
            let raised = Raised {
                rule: "utanfor_granser",
                measure_id: Some(7),
                finding: Finding {
                    window: "2026-H2".into(),
                    severity: Severity::Yellow,
                    explanation: "Värdet ligger utanför gränserna.".into(),
                    numbers: vec![
                        ("medel".into(), mean),
                        ("ovre".into(), mean + 2.66 * f64::from(sum) / 7.0),
                        ("mal".into(), 10.0 + 80.0 * f64::from(sum) / 1825.0),
                    ],
                    points: vec![Period::parse("2026-10").expect("period")],
                    provisional: false,
                },
            };
            let stored = stored_as_written(&raised);
            assert_eq!(stored.numbers, raised.finding.numbers);
            assert!(
                crate::deviation::reconcile(&[stored], std::slice::from_ref(&raised)).is_empty(),
                "the mean {mean:?} makes a flag that changes on every evaluation"
            );
        }
    }
}
