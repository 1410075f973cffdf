//! Writes one demo satsning through the app's own repositories, dated as it would have
//! happened: registered as an idé, moved through ansökan, beredning and beslut in the months
//! before its start (the schema written with the application), pågående from the start and
//! avslutad at the end; its values reported month by month a few days after each month, and
//! its documents uploaded with the application and after the end.

use chrono::{DateTime, Months, NaiveDate, NaiveTime, Utc};

use super::course::{Course, MonthPlan, reports};
use super::{ActivitySeed, SatsningSeed, SchemaSeed};
use crate::audit::Actor;
use crate::db::Db;
use crate::document::{DocumentKind, FileType};
use crate::error::AppError;
use crate::initiative::{InitiativeForm, InitiativeInput, Status};
use crate::report::Period;
use crate::schema::repo::{EffectInput, Parent};

/// The demo accounts that do things: the processledare registers and moves satsningar, the
/// evaluation team reports the ended ones' values, the projektledare the running ones'.
#[derive(Debug, Clone, Copy)]
pub struct People {
    pub admin: Actor,
    pub evaluator: Actor,
    pub lead: Actor,
    pub review: Actor,
}

impl People {
    pub async fn find(db: &Db, organisation_id: i64) -> Result<People, AppError> {
        Ok(People {
            admin: actor(db, organisation_id, "admin@exempel.se").await?,
            evaluator: actor(db, organisation_id, "utvarderare@exempel.se").await?,
            lead: actor(db, organisation_id, "projektledare@exempel.se").await?,
            review: actor(db, organisation_id, "beredning@exempel.se").await?,
        })
    }
}

async fn actor(db: &Db, organisation_id: i64, email: &str) -> Result<Actor, AppError> {
    let user = crate::auth::repo::find_for_login(db, email).await?;
    let user_id = user.map(|row| row.id).ok_or(AppError::Internal)?;
    Ok(Actor {
        user_id,
        organisation_id,
    })
}

/// Writes `seed`: the satsning with its timeline, schema, values and documents.
pub async fn satsning(
    db: &Db,
    people: &People,
    seed: &SatsningSeed,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let organisation_id = people.admin.organisation_id;
    let parties = crate::party::repo::list(db, organisation_id).await?;
    let form = InitiativeForm {
        name: seed.name.into(),
        summary: seed.summary.into(),
        target_group: seed.schema.as_ref().map_or("", |s| s.target_group).into(),
        start: seed.start.into(),
        end: seed.end.into(),
        budget: seed.budget.to_string(),
        repayment: seed.repayment,
        parties: parties
            .iter()
            .filter(|p| seed.parties.contains(&p.name.as_str()))
            .map(|p| p.id)
            .collect(),
        leads: if seed.led {
            vec![people.lead.user_id]
        } else {
            Vec::new()
        },
        ..InitiativeForm::default()
    };
    // The demo data passes the same rules as user input.
    let input = InitiativeInput::parse(&form, &parties)?;
    let steps = status_dates(seed.status, input.start, input.end, now);
    let (registered, first) = steps[0];
    // The application (and its schema) is dated with the move to ansökan.
    let applied = steps.get(1).map_or(registered, |step| step.0);
    // Registered by the seed itself (no user: the timeline says "Utfall"); the processledare
    // moves it on.
    let id =
        crate::initiative::repo::create(db, None, organisation_id, &input, first, true, registered)
            .await?;
    if let Some(schema) = &seed.schema {
        write_schema(db, people.admin, id, schema, applied).await?;
    }
    for pair in steps.windows(2) {
        let ((_, from), (at, to)) = (pair[0], pair[1]);
        crate::initiative::repo::change_status(db, people.admin, id, from, to, at).await?;
    }
    if seed.status >= Status::Decided {
        let reporter = if seed.led {
            people.lead
        } else {
            people.evaluator
        };
        write_values(db, reporter, id, seed, input.start, input.end, now).await?;
    }
    for &(kind, title) in seed.documents {
        let at = match kind {
            DocumentKind::Application => applied,
            _ => at_nine(input.end + Months::new(2)).min(now),
        };
        write_document(db, people.admin, id, seed, kind, title, at).await?;
    }
    Ok(())
}

/// When the satsning reached each status up to `status`, oldest first: idé ten months before
/// the start, ansökan eight, beredning six and beslutad three (Örebro's path from idea to
/// decision takes 7–10 months), pågående at the start, avslutad at the end. Never later than
/// `now`; an idé is registered now.
pub fn status_dates(
    status: Status,
    start: NaiveDate,
    end: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Status)> {
    if status == Status::Idea {
        return vec![(now, Status::Idea)];
    }
    let before = |months: u32| at_nine(start - Months::new(months));
    let dates = [
        (before(10), Status::Idea),
        (before(8), Status::Application),
        (before(6), Status::Review),
        (before(3), Status::Decided),
        (at_nine(start), Status::Running),
        (at_nine(end), Status::Ended),
    ];
    dates
        .into_iter()
        .filter(|(_, s)| *s <= status)
        .map(|(at, s)| (at.min(now), s))
        .collect()
}

/// 09:00 UTC on `date`: office hours in Sweden, winter and summer.
fn at_nine(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time"))
        .and_utc()
}

async fn write_schema(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    seed: &SchemaSeed,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::schema::repo as schema;
    let goal = schema::add_goal(db, actor, initiative_id, seed.goal, seed.target_group, at).await?;
    let mut effect_measure = None;
    for ActivitySeed { text, measures } in seed.activities {
        let activity = schema::add_activity(db, actor, initiative_id, goal, text, at).await?;
        for m in *measures {
            let parent = Parent::Activity(activity);
            let input = m.input()?;
            let id =
                schema::add_measure(db, actor, initiative_id, m.kind, parent, &input, at).await?;
            if m.code == seed.effect.measure {
                effect_measure = Some(id);
            }
        }
    }
    for m in seed.indicators {
        let input = m.input()?;
        let parent = Parent::Goal(goal);
        schema::add_measure(db, actor, initiative_id, m.kind, parent, &input, at).await?;
    }
    let parties = crate::party::repo::list(db, actor.organisation_id).await?;
    let effect = EffectInput {
        text: seed.effect.text.into(),
        horizon: seed.effect.horizon,
        party_id: parties
            .iter()
            .find(|p| p.name == seed.effect.party)
            .map(|p| p.id),
        effect_measure_id: effect_measure,
        yearly_sek: seed.effect.yearly_sek,
    };
    schema::add_effect(db, actor, initiative_id, &effect, at).await?;
    Ok(())
}

/// The values of every month from the start to the end (or to last month, for a running
/// satsning), each saved on the fifth of the next month (or now, if that has not come yet).
async fn write_values(
    db: &Db,
    reporter: Actor,
    initiative_id: i64,
    seed: &SatsningSeed,
    start: NaiveDate,
    end: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::report::repo::{Entry, MonthSave};
    let Some(schema_seed) = &seed.schema else {
        return Ok(());
    };
    let schema = crate::schema::repo::load(db, initiative_id).await?;
    let course = |code: &str| -> Course {
        let activities = schema_seed
            .activities
            .iter()
            .flat_map(|a| a.measures.iter());
        activities
            .chain(schema_seed.indicators.iter())
            .find(|m| m.code == code)
            .map_or(Course::Unreported, |m| m.course)
    };
    let measures: Vec<_> = schema
        .measures
        .into_iter()
        .map(|m| {
            let c = course(&m.code);
            (m, c)
        })
        .collect();
    let today = crate::sv::time::local_date(now);
    let mut months = crate::report::reporting_months(start, end, today);
    // This month is still going on: its values are not due yet.
    let running = months.last() == Some(&Period::of(today));
    if running {
        months.pop();
    }
    for report in reports(seed.name, &seed.reporting, &measures, &months, running) {
        let entries: Vec<Entry> = report
            .entries
            .iter()
            .map(|&(measure_id, value, comment)| Entry {
                measure_id,
                value,
                comment: comment.to_string(),
            })
            .collect();
        let month = MonthSave {
            period: report.period,
            entries: &entries,
            reason: None,
            submit: report.plan == MonthPlan::Submitted,
        };
        let at = at_nine(report.period.next().first_day() + chrono::Days::new(4)).min(now);
        // The demo's flags come from one sweep after everything is written.
        let after = crate::report::AfterValues::none();
        crate::report::repo::save(db, reporter, initiative_id, month, at, &after).await?;
    }
    Ok(())
}

/// A small PDF that says what it is: an example, not the satsning's real document.
pub fn document_text(seed: &SatsningSeed, title: &str) -> Vec<u8> {
    use super::pdf::{Block, pdf};
    let heading = format!("{title}: {}", seed.name);
    let period = format!(
        "Period: {} – {}. Samverkan: {}.",
        seed.start,
        seed.end,
        seed.parties.join(", ")
    );
    let about = format!("Kort beskrivning: {}", seed.summary);
    let schema = seed.schema.as_ref().map(|s| {
        format!(
            "Mål i utvärderingsschemat: {}. Målgrupp: {}.",
            s.goal, s.target_group
        )
    });
    let mut blocks = vec![
        Block::Heading(&heading),
        Block::Paragraph(
            "EXEMPELDATA – det här är inte satsningens verkliga dokument. Det är skapat för att \
             visa Utfall, och allt utom satsningens namn, parter och period är påhittat.",
        ),
        Block::Paragraph(&period),
        Block::Paragraph(&about),
    ];
    if let Some(schema) = &schema {
        blocks.push(Block::Paragraph(schema));
    }
    blocks.push(Block::Paragraph(
        "Måtten och värdena i Utfall är exempelvärden: de säger ingenting om satsningens \
         verkliga resultat.",
    ));
    pdf(&format!("{heading} (exempeldata)"), &blocks)
}

async fn write_document(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    seed: &SatsningSeed,
    kind: DocumentKind,
    title: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let content = document_text(seed, title);
    let name = crate::document::clean_file_name(
        &format!("{title} {} (exempeldata).pdf", seed.name),
        FileType::Pdf,
    );
    let document = crate::document::repo::NewDocument {
        kind,
        file_name: &name,
        file_type: FileType::Pdf,
        content: &content,
    };
    crate::document::repo::store(db, actor, initiative_id, document, at).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_ended_satsning_went_from_idea_to_decision_before_its_start_and_ended_at_its_end() {
        let now = at_nine(date(2026, 12, 1));
        let steps = status_dates(Status::Ended, date(2016, 6, 1), date(2019, 6, 30), now);
        let text: Vec<String> = steps
            .iter()
            .map(|(at, s)| format!("{} {}", at.date_naive(), s.as_db()))
            .collect();
        assert_eq!(
            text,
            [
                "2015-08-01 ide",
                "2015-10-01 ansokan",
                "2015-12-01 beredning",
                "2016-03-01 beslutad",
                "2016-06-01 pagaende",
                "2019-06-30 avslutad",
            ]
        );
    }

    #[test]
    fn a_running_satsning_stops_at_running_and_nothing_is_dated_after_now() {
        let now = at_nine(date(2026, 3, 15));
        let steps = status_dates(Status::Running, date(2026, 6, 1), date(2028, 6, 30), now);
        assert_eq!(steps.len(), 5);
        assert_eq!(steps.last().unwrap().1, Status::Running);
        assert!(steps.iter().all(|(at, _)| *at <= now));
        assert!(steps.windows(2).all(|w| w[0].0 <= w[1].0), "in order");
        let idea = status_dates(Status::Idea, date(2027, 8, 1), date(2030, 7, 31), now);
        assert_eq!(idea, [(now, Status::Idea)]);
    }
}
