//! The reminder types' job bodies: plain async functions of (database, settings, clock) that
//! queue mails in the outbox under idempotency keys. The scheduler (`server/src/scheduler.rs`)
//! runs them on their cron schedules; tests call them with their own clock.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::future::BoxFuture;

use super::mails::{self, DigestItem, DigestSection};
use super::repo::{self, Recipient};
use super::{
    FLAG_EXPLAINED, FOLLOW_UP_DUE, HALF_YEAR_REPORT, MONTHLY_REPORTING, ReminderEnv,
    SURVEY_LOW_RESPONSE, WEEKLY_DIGEST,
};
use crate::auth::Role;
use crate::db::Db;
use crate::error::AppError;
use crate::initiative::{Initiative, Status};
use crate::outbox::NewMail;
use crate::report::Period;
use crate::report::todo::{ToDo, Urgency};

/// `now` as a date in the reminders' calendar.
fn today(env: &ReminderEnv, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&env.time_zone).date_naive()
}

/// Months older than this many are locked whatever the rules' days (as the start page).
const MONTHS_BACK: usize = 3;

/// The satsningar of `organisation_id` that report (decided or later) with their open months
/// on `today`.
async fn open_months(
    db: &Db,
    env: &ReminderEnv,
    organisation_id: i64,
    today: NaiveDate,
) -> Result<Vec<(Initiative, Vec<ToDo>)>, AppError> {
    let from = (0..MONTHS_BACK).fold(Period::of(today), |p, _| p.prev());
    let marks = crate::report::repo::month_marks(db, organisation_id, None, from).await?;
    Ok(crate::initiative::repo::list(db, organisation_id)
        .await?
        .into_iter()
        .filter(|i| i.status >= Status::Decided)
        .map(|i| {
            let months: Vec<Period> = crate::report::reporting_months(i.start, i.end, today)
                .into_iter()
                .filter(|p| *p >= from)
                .collect();
            let open = crate::report::todo::to_do(&env.rules, &marks, i.id, &months, today);
            (i, open)
        })
        .collect())
}

/// Queues `mails` in one transaction; returns how many were new.
async fn queue(db: &Db, mails: &[NewMail], now: DateTime<Utc>) -> Result<usize, AppError> {
    if mails.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let mut new = 0;
    for mail in mails {
        new += usize::from(crate::outbox::repo::enqueue(&mut tx, mail, now).await?);
    }
    tx.commit().await?;
    Ok(new)
}

/// The organisation's active users, by id.
async fn people_of(db: &Db, organisation_id: i64) -> Result<HashMap<i64, Recipient>, AppError> {
    Ok(repo::active_users(db, organisation_id)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

fn outbox_mail(
    organisation_id: i64,
    key: String,
    kind: &str,
    to: &Recipient,
    composed: mails::Composed,
) -> NewMail {
    NewMail {
        organisation_id,
        key,
        kind: kind.to_string(),
        recipient_user_id: Some(to.id),
        recipient_name: to.name.clone(),
        recipient_address: to.email.clone(),
        subject: composed.subject,
        text: composed.text,
        html: composed.html,
    }
}

/// Månadsrapportering: each projektledare of a reporting satsning gets one mail per month
/// that is due within a few days and one when it is late, only while something is missing
/// (not marked as inrapporterad, not locked). Returns the number of mails queued.
pub async fn monthly_reporting(
    db: &Db,
    env: &ReminderEnv,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let today = today(env, now);
    let mut queued = 0;
    for organisation in crate::organisation::repo::list(db).await? {
        let people = people_of(db, organisation.id).await?;
        let off = repo::opted_out(db, organisation.id, MONTHLY_REPORTING).await?;
        let mut mails = Vec::new();
        for (initiative, open) in open_months(db, env, organisation.id, today).await? {
            for to_do in open.iter().filter(|t| mails::worth_reminding(t, today)) {
                for (lead, _) in &initiative.leads {
                    let Some(person) = people.get(lead).filter(|p| !off.contains(&p.id)) else {
                        continue;
                    };
                    let composed = mails::monthly(
                        &person.name,
                        initiative.id,
                        &initiative.name,
                        to_do,
                        &env.base_url.0,
                    );
                    let key =
                        mails::monthly_key(initiative.id, to_do.period, to_do.urgency, person.id);
                    mails.push(outbox_mail(
                        organisation.id,
                        key,
                        MONTHLY_REPORTING,
                        person,
                        composed,
                    ));
                }
            }
        }
        queued += queue(db, &mails, now).await?;
    }
    Ok(queued)
}

/// [`monthly_reporting`] as a registered job body.
pub fn monthly_reporting_job<'a>(
    db: &'a Db,
    env: &'a ReminderEnv,
    now: DateTime<Utc>,
) -> BoxFuture<'a, Result<usize, AppError>> {
    Box::pin(monthly_reporting(db, env, now))
}

/// A section of the weekly digest for one organisation.
pub type SectionFn = for<'a> fn(
    &'a Db,
    &'a ReminderEnv,
    i64,
    DateTime<Utc>,
) -> BoxFuture<'a, Result<DigestSection, AppError>>;

/// The digest's sections, in order. A new section is one function below and one line here.
pub const DIGEST_SECTIONS: &[SectionFn] = &[
    |db, env, org, now| Box::pin(changed_flags(db, env, org, now)),
    |db, env, org, now| Box::pin(late_reports(db, env, org, now)),
    |db, env, org, now| Box::pin(late_months(db, env, org, now)),
    |db, env, org, now| Box::pin(submitted_reports(db, env, org, now)),
    |db, env, org, now| Box::pin(submitted_months(db, env, org, now)),
];

/// Deviation flags opened or changed during the last seven days (explained, decided, closed),
/// red first: what the beredningsgrupp will take up.
async fn changed_flags(
    db: &Db,
    _env: &ReminderEnv,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<DigestSection, AppError> {
    let flags =
        crate::deviation::repo::changed_since(db, organisation_id, now - Duration::days(7)).await?;
    let items = flags
        .into_iter()
        .map(|f| {
            let about = f
                .measure
                .as_ref()
                .map_or_else(String::new, |m| format!(", {m}"));
            DigestItem {
                text: format!(
                    "{}: {}{about} ({}, {})",
                    f.initiative_name,
                    f.rule_label(),
                    f.severity.light().label().to_lowercase(),
                    f.status.label().to_lowercase()
                ),
                path: format!("/avvikelser/{}", f.id),
            }
        })
        .collect();
    Ok(DigestSection {
        heading: "Nya och ändrade avvikelser".into(),
        items,
    })
}

/// Months past their due date and still open, per satsning.
async fn late_months(
    db: &Db,
    env: &ReminderEnv,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<DigestSection, AppError> {
    let items = open_months(db, env, organisation_id, today(env, now))
        .await?
        .into_iter()
        .filter_map(|(initiative, open)| {
            let late: Vec<String> = open
                .iter()
                .filter(|t| t.urgency == Urgency::Late)
                .map(|t| t.period.label())
                .collect();
            (!late.is_empty()).then(|| DigestItem {
                text: format!(
                    "{}: {} inte inrapporterad",
                    initiative.name,
                    late.join(", ")
                ),
                path: format!("/satsningar/{}/rapportera", initiative.id),
            })
        })
        .collect();
    Ok(DigestSection {
        heading: "Försenade månader".into(),
        items,
    })
}

/// Months marked as inrapporterad during the last seven days; late ones say so.
async fn submitted_months(
    db: &Db,
    env: &ReminderEnv,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<DigestSection, AppError> {
    let submitted =
        crate::report::repo::submitted_since(db, organisation_id, now - Duration::days(7)).await?;
    let items = submissions(db, env, organisation_id, submitted, |id, period| {
        Submission {
            what: format!("{} inrapporterad", period.label()),
            due: env.rules.due_date(period),
            path: format!("/satsningar/{id}/rapportera/{period}"),
        }
    })
    .await?;
    Ok(DigestSection {
        heading: "Inrapporterat den senaste veckan".into(),
        items,
    })
}

/// What one submission of the past week was, its deadline and where it is.
struct Submission {
    what: String,
    due: NaiveDate,
    path: String,
}

/// The digest's lines for `rows` (satsning, what, when): "{satsning}: {what} {dag}", with
/// ", efter sista dag" when it came after its deadline (days in the reminders' calendar).
async fn submissions<P>(
    db: &Db,
    env: &ReminderEnv,
    organisation_id: i64,
    rows: Vec<(i64, P, DateTime<Utc>)>,
    describe: impl Fn(i64, P) -> Submission,
) -> Result<Vec<DigestItem>, AppError> {
    let names: HashMap<i64, String> = crate::initiative::repo::list(db, organisation_id)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(id, subject, at)| {
            let day = at.with_timezone(&env.time_zone).date_naive();
            let Submission { what, due, path } = describe(id, subject);
            let late = if day > due { ", efter sista dag" } else { "" };
            Some(DigestItem {
                text: format!(
                    "{}: {what} {}{late}",
                    names.get(&id)?,
                    crate::sv::date::day_and_month(day)
                ),
                path,
            })
        })
        .collect())
}

/// Veckobrev: one mail per member of the beredningsgrupp with the digest's sections;
/// nothing when every section is empty. One mail per organisation, ISO week and person.
pub async fn weekly_digest(
    db: &Db,
    env: &ReminderEnv,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let week = chrono::Datelike::iso_week(&today(env, now));
    let mut queued = 0;
    for organisation in crate::organisation::repo::list(db).await? {
        let off = repo::opted_out(db, organisation.id, WEEKLY_DIGEST).await?;
        let readers: Vec<Recipient> = repo::active_with_role(db, organisation.id, Role::Review)
            .await?
            .into_iter()
            .filter(|r| !off.contains(&r.id))
            .collect();
        if readers.is_empty() {
            continue;
        }
        let mut sections = Vec::with_capacity(DIGEST_SECTIONS.len());
        for section in DIGEST_SECTIONS {
            sections.push(section(db, env, organisation.id, now).await?);
        }
        let mails: Vec<NewMail> = readers
            .iter()
            .filter_map(|reader| {
                let composed = mails::digest(&reader.name, week, &sections, &env.base_url.0)?;
                let key = mails::digest_key(organisation.id, week, reader.id);
                Some(outbox_mail(
                    organisation.id,
                    key,
                    WEEKLY_DIGEST,
                    reader,
                    composed,
                ))
            })
            .collect();
        queued += queue(db, &mails, now).await?;
    }
    Ok(queued)
}

/// How far back an explanation is still announced: a day covers any sensible schedule and a
/// short downtime; the idempotency key keeps each explanation to one mail per person.
const EXPLAINED_WITHIN_HOURS: i64 = 24;

/// Avvikelse förklarad: each member of the beredningsgrupp gets one mail per explanation a
/// projektledare has given (unless they turned the type off).
pub async fn flag_explained(
    db: &Db,
    env: &ReminderEnv,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let since = now - Duration::hours(EXPLAINED_WITHIN_HOURS);
    let mut queued = 0;
    for organisation in crate::organisation::repo::list(db).await? {
        let explained = crate::deviation::repo::explained_since(db, organisation.id, since).await?;
        if explained.is_empty() {
            continue;
        }
        let off = repo::opted_out(db, organisation.id, FLAG_EXPLAINED).await?;
        let readers: Vec<Recipient> = repo::active_with_role(db, organisation.id, Role::Review)
            .await?
            .into_iter()
            .filter(|r| !off.contains(&r.id))
            .collect();
        let mails: Vec<NewMail> = explained
            .iter()
            .flat_map(|notice| {
                readers.iter().map(move |reader| {
                    outbox_mail(
                        organisation.id,
                        mails::explained_key(notice.event_id, reader.id),
                        FLAG_EXPLAINED,
                        reader,
                        mails::explained(&reader.name, notice, &env.base_url.0),
                    )
                })
            })
            .collect();
        queued += queue(db, &mails, now).await?;
    }
    Ok(queued)
}

/// [`flag_explained`] as a registered job body.
pub fn flag_explained_job<'a>(
    db: &'a Db,
    env: &'a ReminderEnv,
    now: DateTime<Utc>,
) -> BoxFuture<'a, Result<usize, AppError>> {
    Box::pin(flag_explained(db, env, now))
}

/// [`weekly_digest`] as a registered job body.
pub fn weekly_digest_job<'a>(
    db: &'a Db,
    env: &'a ReminderEnv,
    now: DateTime<Utc>,
) -> BoxFuture<'a, Result<usize, AppError>> {
    Box::pin(weekly_digest(db, env, now))
}

/// Enkät med låg svarsfrekvens: each projektledare of a satsning gets one mail per code wave
/// that closes within [`super::DAYS_BEFORE_CLOSE`] days (and is still open) while fewer than
/// the configured share of its codes are used. Only code waves have a rate (responses / codes
/// made); an open link has none.
pub async fn survey_low_response(
    db: &Db,
    env: &ReminderEnv,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let today = today(env, now);
    let until = today + Duration::days(super::DAYS_BEFORE_CLOSE);
    let mut queued = 0;
    for organisation in crate::organisation::repo::list(db).await? {
        let low: Vec<crate::survey::repo::CodeWave> =
            crate::survey::repo::closing_code_waves(db, organisation.id, today, until)
                .await?
                .into_iter()
                .filter(|w| {
                    crate::survey::low_response(w.codes, w.used, env.survey_low_response_percent)
                })
                .collect();
        if low.is_empty() {
            continue;
        }
        let people = people_of(db, organisation.id).await?;
        let off = repo::opted_out(db, organisation.id, SURVEY_LOW_RESPONSE).await?;
        let initiatives: HashMap<i64, Initiative> =
            crate::initiative::repo::list(db, organisation.id)
                .await?
                .into_iter()
                .map(|i| (i.id, i))
                .collect();
        let mut mails = Vec::new();
        for wave in &low {
            let Some(initiative) = initiatives.get(&wave.initiative_id) else {
                continue;
            };
            let about = mails::LowResponse {
                initiative_id: initiative.id,
                initiative: initiative.name.clone(),
                survey_id: wave.wave.survey_id,
                survey: wave.survey_title.clone(),
                wave: wave.wave.name.clone(),
                closes_on: wave.wave.closes_on,
                codes: wave.codes,
                used: wave.used,
                percent: env.survey_low_response_percent,
            };
            for (lead, _) in &initiative.leads {
                let Some(person) = people.get(lead).filter(|p| !off.contains(&p.id)) else {
                    continue;
                };
                mails.push(outbox_mail(
                    organisation.id,
                    mails::low_response_key(wave.wave.id, person.id),
                    SURVEY_LOW_RESPONSE,
                    person,
                    mails::low_response(&person.name, &about, &env.base_url.0),
                ));
            }
        }
        queued += queue(db, &mails, now).await?;
    }
    Ok(queued)
}

/// [`survey_low_response`] as a registered job body.
pub fn survey_low_response_job<'a>(
    db: &'a Db,
    env: &'a ReminderEnv,
    now: DateTime<Utc>,
) -> BoxFuture<'a, Result<usize, AppError>> {
    Box::pin(survey_low_response(db, env, now))
}

/// A reporting satsning's half-year reports that are not in (never submitted: a draft or
/// not begun), each with its status as the reminder names it.
async fn reports_not_in(
    db: &Db,
    organisation_id: i64,
    initiative: &Initiative,
    today: NaiveDate,
) -> Result<Vec<(crate::report::half::HalfYear, String)>, AppError> {
    use crate::halfyear::ReportStatus;
    let statuses = crate::halfyear::repo::statuses(db, organisation_id, initiative.id).await?;
    Ok(
        crate::report::half::report_halves(initiative.start, initiative.end, today)
            .into_iter()
            .filter_map(|half| match statuses.get(&half).copied() {
                None | Some(ReportStatus::Draft) => Some((
                    half,
                    crate::halfyear::status_label(statuses.get(&half).copied()).to_string(),
                )),
                // Submitted at least once: in on time, whatever the review says since.
                Some(_) => None,
            })
            .collect(),
    )
}

/// Halvårsredovisning: each projektledare of a reporting satsning gets one mail 30, 14 and 7
/// days before a report is due and one when it is late, while it is not submitted. The
/// satsning's owners (förvaltningscheferna) have no accounts of their own in Utfall yet
/// (`owner_names` is text), so the overdue mail reaches them through the beredningsgrupp's
/// weekly digest and the deviation flag *Rapport*.
pub async fn half_year_report(
    db: &Db,
    env: &ReminderEnv,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let today = today(env, now);
    let mut queued = 0;
    for organisation in crate::organisation::repo::list(db).await? {
        let people = people_of(db, organisation.id).await?;
        let off = repo::opted_out(db, organisation.id, HALF_YEAR_REPORT).await?;
        let mut mails = Vec::new();
        for initiative in crate::initiative::repo::list(db, organisation.id).await? {
            if initiative.status < Status::Decided || initiative.leads.is_empty() {
                continue;
            }
            for (half, status) in reports_not_in(db, organisation.id, &initiative, today).await? {
                let due = env.half_year_due.due(half);
                let Some(stage) = mails::report_stage(due, today) else {
                    continue;
                };
                let about = mails::ReportDue {
                    initiative_id: initiative.id,
                    initiative: initiative.name.clone(),
                    half,
                    due,
                    stage,
                    status,
                };
                for (lead, _) in &initiative.leads {
                    let Some(person) = people.get(lead).filter(|p| !off.contains(&p.id)) else {
                        continue;
                    };
                    mails.push(outbox_mail(
                        organisation.id,
                        mails::report_key(initiative.id, half, stage, person.id),
                        HALF_YEAR_REPORT,
                        person,
                        mails::report_due(&person.name, &about, today, &env.base_url.0),
                    ));
                }
            }
        }
        queued += queue(db, &mails, now).await?;
    }
    Ok(queued)
}

/// [`half_year_report`] as a registered job body.
pub fn half_year_report_job<'a>(
    db: &'a Db,
    env: &'a ReminderEnv,
    now: DateTime<Utc>,
) -> BoxFuture<'a, Result<usize, AppError>> {
    Box::pin(half_year_report(db, env, now))
}

/// Uppföljande utvärdering: 30, 14 and 7 days before an ended satsning's follow-up is due,
/// and once when it is late, while it is not submitted — to the satsning's projektledare and
/// to the utvärderingsteam, who often write it because the projektledare has moved on by then
/// (each person once, even when both). The same stages as the half-year report.
pub async fn follow_up_due(
    db: &Db,
    env: &ReminderEnv,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    use crate::halfyear::follow_up::{FollowUpStatus, status_label};
    let today = today(env, now);
    let mut queued = 0;
    for organisation in crate::organisation::repo::list(db).await? {
        let people = people_of(db, organisation.id).await?;
        let evaluators = repo::active_with_role(db, organisation.id, Role::Evaluator).await?;
        let off = repo::opted_out(db, organisation.id, FOLLOW_UP_DUE).await?;
        let statuses = crate::halfyear::follow_up_repo::statuses(db, organisation.id).await?;
        let mut mails = Vec::new();
        for initiative in crate::initiative::repo::list(db, organisation.id).await? {
            let status = statuses.get(&initiative.id).copied();
            if !initiative.has_ended(today) || status.is_some_and(|s| s != FollowUpStatus::Draft) {
                continue;
            }
            let due = initiative.follow_up_due();
            let Some(stage) = mails::report_stage(due, today) else {
                continue;
            };
            let about = mails::FollowUpDue {
                initiative_id: initiative.id,
                initiative: initiative.name.clone(),
                due,
                stage,
                status: status_label(status).to_string(),
            };
            let mut to: Vec<&Recipient> = initiative
                .leads
                .iter()
                .filter_map(|(lead, _)| people.get(lead))
                .chain(evaluators.iter())
                .filter(|p| !off.contains(&p.id))
                .collect();
            to.sort_by_key(|p| p.id);
            to.dedup_by_key(|p| p.id);
            for person in to {
                mails.push(outbox_mail(
                    organisation.id,
                    mails::follow_up_key(initiative.id, stage, person.id),
                    FOLLOW_UP_DUE,
                    person,
                    mails::follow_up_due(&person.name, &about, today, &env.base_url.0),
                ));
            }
        }
        queued += queue(db, &mails, now).await?;
    }
    Ok(queued)
}

/// [`follow_up_due`] as a registered job body.
pub fn follow_up_due_job<'a>(
    db: &'a Db,
    env: &'a ReminderEnv,
    now: DateTime<Utc>,
) -> BoxFuture<'a, Result<usize, AppError>> {
    Box::pin(follow_up_due(db, env, now))
}

/// Half-year reports past their due date and not submitted (as the deviation rule *Rapport*
/// reads them: due within the last year).
async fn late_reports(
    db: &Db,
    env: &ReminderEnv,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<DigestSection, AppError> {
    let today = today(env, now);
    let mut items = Vec::new();
    for initiative in crate::initiative::repo::list(db, organisation_id).await? {
        if initiative.status < Status::Decided {
            continue;
        }
        let not_in = reports_not_in(db, organisation_id, &initiative, today).await?;
        let halves: Vec<_> = not_in.iter().map(|(half, _)| *half).collect();
        let late = crate::deviation::late_reports(
            &halves,
            &std::collections::HashSet::new(),
            &env.half_year_due,
            today,
        );
        items.extend(late.into_iter().map(|report| DigestItem {
            text: format!(
                "{}: {} ({} efter sista dag {})",
                initiative.name,
                report.half.label(),
                crate::sv::date::days(report.days_late),
                crate::sv::date::day_and_month(report.due)
            ),
            path: format!("/satsningar/{}/halvar/{}", initiative.id, report.half),
        }));
    }
    Ok(DigestSection {
        heading: "Försenade halvårsredovisningar".into(),
        items,
    })
}

/// Half-year reports submitted for the first time during the last seven days.
async fn submitted_reports(
    db: &Db,
    env: &ReminderEnv,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<DigestSection, AppError> {
    let submitted =
        crate::halfyear::repo::submitted_since(db, organisation_id, now - Duration::days(7))
            .await?;
    let items = submissions(db, env, organisation_id, submitted, |id, half| Submission {
        what: format!("halvårsredovisningen för {} inskickad", half.label()),
        due: env.half_year_due.due(half),
        path: format!("/satsningar/{id}/halvar/{half}"),
    })
    .await?;
    Ok(DigestSection {
        heading: "Inskickade halvårsredovisningar".into(),
        items,
    })
}
