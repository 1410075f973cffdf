//! The scheduler: runs each reminder type's job on its cron schedule (`UTFALL_CRON_<ID>`, read
//! in `UTFALL_SCHEDULE_TIME_ZONE`, Europe/Stockholm by default).
//!
//! * **One instance per tick.** A tick is a *slot*: its local wall-clock time. Before running
//!   a job an instance inserts (job, slot) into `scheduler_run`; the primary key lets exactly
//!   one instance succeed, and only that one runs the job.
//! * **Daylight saving time.** Slots are wall-clock times, so a time that occurs twice (the
//!   repeated hour on the last Sunday of October) is one slot, run at its first occurrence; a
//!   time that does not exist (the skipped hour on the last Sunday of March) runs once, when
//!   the clock has jumped past the gap.
//! * **Downtime.** The newest claimed slot is where the next tick is looked for. Ticks missed
//!   while no instance ran are caught up once: the newest missed slot runs, the older ones
//!   are skipped. A job seen for the first time starts from now (no run for the past).
//! * **Job bodies** are plain `async fn(&Db, …, now)` in `app::reminder`; [`tick`] takes the
//!   clock as an argument, so tests drive it through DST edges and downtime.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use app::db::Db;
use app::{db_read, db_write};
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use futures::future::BoxFuture;

use crate::config::Config;

/// How often the scheduler looks for due ticks.
pub const TICK: Duration = Duration::from_secs(30);

/// The slot format: sorts as text in time order.
const SLOT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// A job body: given the database and the clock, does its work; returns how much it did
/// (mails queued, flags changed), for the log.
pub type JobFn =
    Arc<dyn Fn(Db, DateTime<Utc>) -> BoxFuture<'static, anyhow::Result<usize>> + Send + Sync>;

/// A scheduled job.
#[derive(Clone)]
pub struct Job {
    pub name: &'static str,
    pub schedule: cron::Schedule,
    pub run: JobFn,
}

/// Reads a cron expression: six fields (`sec min hour day month weekday`, e.g.
/// `0 0 7 * * Mon`) or the classic five (seconds taken as 0). Blank is `None` (off).
pub fn parse_schedule(raw: &str) -> Result<Option<cron::Schedule>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let text = if raw.split_whitespace().count() == 5 {
        format!("0 {raw}")
    } else {
        raw.to_string()
    };
    cron::Schedule::from_str(&text).map(Some).map_err(|e| {
        format!(
            "\"{raw}\" är inget cron-uttryck (sek min tim dag mån veckodag, t.ex. \"0 0 7 * * Mon\"; tomt = av) / not a cron expression: {e}"
        )
    })
}

/// The deviation sweep: the time-based rules (missing and late months) change with the
/// calendar, not with a save, so every satsning is evaluated again on this schedule.
pub const DEVIATION_SWEEP: &str = "deviation_sweep";

/// The transfer at a survey wave's close: each wave that has closed and has not been
/// transferred since goes to its effektmått once, as "Överför till effektmått" would.
pub const SURVEY_TRANSFER: &str = "survey_transfer";

/// Scheduled upkeep that sends no mail of its own: (id, default cron). Its schedule is set like
/// a reminder type's (`UTFALL_CRON_<ID>`, blank = off); its body is one arm of [`upkeep_run`].
pub const UPKEEP: &[(&str, &str)] = &[
    // Every hour at five past: a month turns late at midnight, the flag follows within the hour.
    (DEVIATION_SWEEP, "0 5 * * * *"),
    // Every hour at ten past: a wave closes at midnight, its values follow within the hour
    // (after the sweep, which the transfer's own evaluation then brings up to date).
    (SURVEY_TRANSFER, "0 10 * * * *"),
];

/// Every scheduled job's id and default cron: the reminder types, then the upkeep.
pub fn schedule_defaults() -> impl Iterator<Item = (&'static str, &'static str)> {
    app::reminder::TYPES
        .iter()
        .map(|t| (t.id, t.default_cron))
        .chain(UPKEEP.iter().copied())
}

/// The body of upkeep job `id`.
fn upkeep_run(id: &'static str, config: &Config) -> Option<JobFn> {
    let settings = app::deviation::repo::Settings {
        thresholds: config.deviation,
        reporting: app::report::Rules {
            due_day: config.report_due_day,
            lock_day: config.report_lock_day,
        },
        half_year_due: config.halfyear_due,
    };
    match id {
        DEVIATION_SWEEP => Some(Arc::new(move |db: Db, now: DateTime<Utc>| {
            Box::pin(async move {
                let outcome = app::deviation::repo::sweep(&db, &settings, now).await?;
                Ok(outcome.changed())
            })
        })),
        SURVEY_TRANSFER => {
            let limits = app::survey::Thresholds {
                min_n: config.survey_min_n,
                min_n_text: config.survey_min_n_text,
            };
            // The same hook a save runs: the satsning's deviation flags follow the new values.
            let after = app::deviation::repo::after_values(settings);
            Some(Arc::new(move |db: Db, now: DateTime<Utc>| {
                let after = after.clone();
                Box::pin(async move {
                    let outcome =
                        app::survey::jobs::transfer_closed_waves(&db, limits, &after, now).await?;
                    Ok(outcome.values)
                })
            }))
        }
        _ => None,
    }
}

/// The jobs whose schedule is not blank: the reminder types' and the upkeep's.
pub fn jobs(config: &Config) -> Vec<Job> {
    let env = app::reminder::ReminderEnv {
        base_url: app::mail::BaseUrl(config.base_url.clone()),
        rules: app::report::Rules {
            due_day: config.report_due_day,
            lock_day: config.report_lock_day,
        },
        time_zone: config.schedule_time_zone,
        survey_low_response_percent: config.survey_low_response_percent,
        half_year_due: config.halfyear_due,
    };
    app::reminder::TYPES
        .iter()
        .filter_map(|kind| {
            let raw = config.schedules.get(kind.id)?;
            let schedule = parse_schedule(raw).ok().flatten()?;
            let env = env.clone();
            let body = kind.run;
            let run: JobFn = Arc::new(move |db: Db, now: DateTime<Utc>| {
                let env = env.clone();
                Box::pin(async move { Ok(body(&db, &env, now).await?) })
            });
            Some(Job {
                name: kind.id,
                schedule,
                run,
            })
        })
        .chain(UPKEEP.iter().filter_map(|(id, _)| {
            let raw = config.schedules.get(id)?;
            let schedule = parse_schedule(raw).ok().flatten()?;
            Some(Job {
                name: id,
                schedule,
                run: upkeep_run(id, config)?,
            })
        }))
        .collect()
}

/// The instant wall-clock time `local` happens in `tz`: the first of two in the repeated
/// hour; for a time in the skipped hour, the moment the clock jumps past it.
pub fn instant_of(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // In a gap: the first wall-clock minute that exists is when the clock jumped.
            let mut probe = local;
            for _ in 0..(24 * 60) {
                probe += TimeDelta::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    let minute = probe
                        .with_second(0)
                        .and_then(|p| tz.from_local_datetime(&p).earliest())
                        .unwrap_or(t);
                    return minute.with_timezone(&Utc);
                }
            }
            local.and_utc()
        }
    }
}

use chrono::Timelike as _;

/// The newest slot after `last` that is due at `now` (its instant has come), or `None`.
/// Wall-clock slots come from the schedule evaluated on naive local time.
pub fn due_slot(
    schedule: &cron::Schedule,
    last: NaiveDateTime,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<NaiveDateTime> {
    let mut due = None;
    // A bound, so a per-second schedule after a year of downtime still answers quickly.
    for upcoming in schedule.after(&last.and_utc()).take(1_000_000) {
        let local = upcoming.naive_utc();
        if instant_of(local, tz) > now {
            break;
        }
        due = Some(local);
    }
    due
}

/// The local wall-clock time of `now` in `tz`.
fn local_now(now: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    now.with_timezone(&tz).naive_local()
}

/// One look at every job at `now`: each job with a due slot that this call claims is run.
/// Returns (job, slot) of the runs.
pub async fn tick(
    db: &Db,
    jobs: &[Job],
    tz: Tz,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let mut ran = Vec::new();
    for job in jobs {
        let last: Option<String> = db_read!(db, |pool| {
            sqlx::query_scalar("SELECT MAX(slot) FROM scheduler_run WHERE job = $1")
                .bind(job.name)
                .fetch_one(pool)
                .await
        })?;
        let Some(last) = last.and_then(|l| NaiveDateTime::parse_from_str(&l, SLOT_FORMAT).ok())
        else {
            // First sight of this job: start counting from now.
            let start = local_now(now, tz).format(SLOT_FORMAT).to_string();
            claim(db, job.name, &start, now).await?;
            continue;
        };
        let Some(slot) = due_slot(&job.schedule, last, tz, now) else {
            continue;
        };
        let slot = slot.format(SLOT_FORMAT).to_string();
        if !claim(db, job.name, &slot, now).await? {
            continue;
        }
        match (job.run)(db.clone(), now).await {
            Ok(queued) => tracing::info!(job = job.name, %slot, queued, "scheduled job ran"),
            Err(error) => tracing::error!(job = job.name, %slot, %error, "scheduled job failed"),
        }
        ran.push((job.name, slot));
    }
    Ok(ran)
}

/// Inserts (job, slot) unless it, or a newer slot, is already claimed; `true` if this call
/// inserted it.
async fn claim(db: &Db, job: &str, slot: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let inserted = db_write!(db, |pool| {
        sqlx::query(
            "INSERT INTO scheduler_run (job, slot, claimed_at)
             SELECT $1, $2, $3
             WHERE NOT EXISTS (SELECT 1 FROM scheduler_run WHERE job = $1 AND slot >= $2)
             ON CONFLICT (job, slot) DO NOTHING",
        )
        .bind(job)
        .bind(slot)
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(inserted == 1)
}

/// Runs [`tick`] every [`TICK`] until `stop` is set; rings the outbox worker after a run.
pub fn spawn(
    db: Db,
    jobs: Vec<Job>,
    tz: Tz,
    wake: app::outbox::Wake,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut stop = stop;
        if jobs.is_empty() {
            return;
        }
        loop {
            if *stop.borrow() {
                return;
            }
            match tick(&db, &jobs, tz, Utc::now()).await {
                Ok(ran) if !ran.is_empty() => wake.0.notify_one(),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "scheduler tick failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(TICK) => {}
                _ = stop.changed() => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::Europe::Stockholm;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        local(y, m, d, h, min).and_utc()
    }

    #[test]
    fn five_and_six_field_expressions_and_blank() {
        assert!(parse_schedule("").unwrap().is_none());
        assert!(parse_schedule("0 7 * * Mon").unwrap().is_some());
        assert!(parse_schedule("0 0 7 * * Mon").unwrap().is_some());
        assert!(parse_schedule("varje måndag").is_err());
    }

    #[test]
    fn skipped_and_repeated_hours_map_to_one_instant() {
        // 29 March 2026: 02:00 → 03:00 (CET → CEST). 02:30 does not exist: 03:00 CEST.
        assert_eq!(
            instant_of(local(2026, 3, 29, 2, 30), Stockholm),
            utc(2026, 3, 29, 1, 0)
        );
        // 25 October 2026: 03:00 → 02:00. 02:30 happens twice: the first, 00:30 UTC.
        assert_eq!(
            instant_of(local(2026, 10, 25, 2, 30), Stockholm),
            utc(2026, 10, 25, 0, 30)
        );
        assert_eq!(
            instant_of(local(2026, 12, 7, 7, 0), Stockholm),
            utc(2026, 12, 7, 6, 0)
        );
    }

    #[test]
    fn the_newest_missed_tick_is_due_once() {
        let monday_seven = parse_schedule("0 0 7 * * Mon").unwrap().unwrap();
        // Last run 16 Nov; down until Wednesday 2 Dec: only 30 Nov is due (23 Nov skipped).
        let due = due_slot(
            &monday_seven,
            local(2026, 11, 16, 7, 0),
            Stockholm,
            utc(2026, 12, 2, 5, 0),
        );
        assert_eq!(due, Some(local(2026, 11, 30, 7, 0)));
        // Monday 7 Dec at 06:59 Stockholm (05:59 UTC): nothing yet after 30 Nov.
        assert_eq!(
            due_slot(
                &monday_seven,
                local(2026, 11, 30, 7, 0),
                Stockholm,
                utc(2026, 12, 7, 5, 59)
            ),
            None
        );
    }
}
