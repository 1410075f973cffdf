//! The demo's uppföljande utvärdering: Skolfam (ended 30 June 2019, followed up two years
//! later) has gone on reporting its hand-reported effektmått every half-year after the end, and
//! the utvärderingsteam has written, submitted and — with the beredningsgrupp's approval —
//! closed its follow-up: both methods live on, one in ordinary operations and one scaled up,
//! each with its owning nämnd. Every text says it is example data. Written through the same
//! repositories as user input.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::write::People;
use crate::db::Db;
use crate::error::AppError;
use crate::halfyear::follow_up::{FollowUpInput, Implementation, MethodStatus};
use crate::report::Period;
use crate::report::repo::{Entry, MonthSave};
use crate::schema::{MeasureKind, Source};

/// The satsning that gets the demo follow-up.
pub const SATSNING: &str = "Skolfam";

fn at_nine(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
        .and_utc()
}

pub async fn seed(db: &Db, people: &People, now: DateTime<Utc>) -> Result<(), AppError> {
    let organisation_id = people.evaluator.organisation_id;
    let initiatives = crate::initiative::repo::list(db, organisation_id).await?;
    let Some(initiative) = initiatives.into_iter().find(|i| i.name == SATSNING) else {
        return Ok(());
    };
    let today = crate::sv::time::local_date(now);
    let due = initiative.follow_up_due();
    if !initiative.has_ended(today) || due > today {
        return Ok(());
    }
    // After the end, the hand-reported effektmått go on every half-year (less often than
    // during the satsning), a little above where they ended.
    let schema = crate::schema::repo::load(db, initiative.id).await?;
    let series = crate::report::repo::series(
        db,
        initiative.id,
        Period::of(initiative.start),
        Period::of(initiative.end),
    )
    .await?;
    let after: Vec<Period> = Period::range(Period::of(initiative.end).next(), Period::of(due))
        .into_iter()
        .filter(|p| p.month().is_multiple_of(6))
        .collect();
    for (step, &period) in after.iter().enumerate() {
        let entries: Vec<Entry> = schema
            .measures
            .iter()
            .filter(|m| m.kind == MeasureKind::Effect && m.source == Source::Manual && !m.retired)
            .filter(|m| crate::report::is_due(m.frequency, period))
            .filter_map(|m| {
                let last = series.get(&m.id)?.last()?.1;
                Some(Entry {
                    measure_id: m.id,
                    value: Some((last + 1.0 + step as f64).min(100.0).round()),
                    comment: "Exempeldata: rapporterat efter avslut.".into(),
                })
            })
            .collect();
        let month = MonthSave {
            period,
            entries: &entries,
            reason: None,
            submit: false,
        };
        let at = at_nine(period.next().first_day() + chrono::Days::new(10)).min(now);
        let after = crate::report::AfterValues::none();
        crate::report::repo::save(db, people.evaluator, initiative.id, month, at, &after).await?;
    }
    let party = |name: &str| {
        initiative
            .parties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.id)
    };
    let activities: Vec<i64> = schema
        .goals
        .iter()
        .flat_map(|g| g.activities.iter().map(|a| a.id))
        .collect();
    let plans = [
        (
            Implementation::Ordinary,
            "Socialförvaltningen",
            "Exempeldata: kartläggningen görs nu för varje barn som placeras i familjehem.",
        ),
        (
            Implementation::ScaledUp,
            "Förvaltningen förskola och skola",
            "Exempeldata: specialpedagogens stöd erbjuds sedan 2020 även barn i HVB och med kontaktfamilj.",
        ),
    ];
    let methods = activities
        .iter()
        .zip(plans)
        .map(|(&activity_id, (status, owner, comment))| MethodStatus {
            activity_id,
            status,
            party_id: party(owner),
            comment: comment.into(),
        })
        .collect();
    let input = FollowUpInput {
        texts: [
            (
                "effekter",
                "Exempeldata: andelen barn med godkända betyg i alla ämnen har hållit sig över målet två år efter avslut. Färre barn har behövt byta skola.",
            ),
            (
                "lardomar",
                "Exempeldata: samverkan mellan skola och socialtjänst kring varje barn var det som gjorde skillnad; den behöver en utsedd ägare från början.",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        methods,
    };
    let written = at_nine(due - chrono::Days::new(20)).min(now);
    crate::halfyear::follow_up_repo::save(db, people.evaluator, initiative.id, &input, written)
        .await?;
    let submitted = at_nine(due - chrono::Days::new(10)).min(now);
    crate::halfyear::follow_up_repo::submit(db, people.evaluator, initiative.id, submitted).await?;
    let approved = at_nine(due + chrono::Days::new(14)).min(now);
    crate::halfyear::follow_up_repo::approve(db, people.review, initiative.id, approved).await?;
    Ok(())
}
