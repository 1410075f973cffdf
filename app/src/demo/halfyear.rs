//! The demo's halvårsredovisningar: "Läxhjälp i Vivalla (fiktiv)" has submitted every report
//! so far — the one of the half-year that ended last with its actual costs, approved with a
//! comment, the earlier ones approved without — and the report of the running half-year is a
//! draft with two texts written. "Tidigt stöd för unga vuxna (fiktiv)" has not sent its first
//! report, so the queue shows a Rapport flag. Every text says it is example data. Written
//! through the same repository as user input.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::write::People;
use crate::db::Db;
use crate::economics::actual::ActualCost;
use crate::error::AppError;
use crate::halfyear::{Decision, HalfYear, NARRATIVES, Narrative, Narratives, Snapshot};
use crate::report::AfterValues;

/// The satsning that gets the demo reports.
pub const SATSNING: &str = "Läxhjälp i Vivalla (fiktiv)";

fn texts(done: usize, written: usize) -> Narratives {
    let examples = [
        "Läxhjälpen har hållits tre kvällar i veckan i Vivalla bibliotek, med ett uppehåll under lovet.",
        "Fler elever lämnar in läxorna i tid; målkurvan nås nästan. Eleverna säger att de får hjälp när de behöver det.",
        "Två kvällar ställdes in när handledare var sjuka; vikarier finns nu på plats.",
        "Vi startar en grupp för årskurs 9 inför gymnasievalet och bjuder in föräldrarna till en träff.",
        "Skolan och föreningen har börjat planera hur läxhjälpen kan ingå i fritidsgårdens ordinarie verksamhet.",
    ];
    NARRATIVES
        .iter()
        .zip(examples)
        .take(written)
        .enumerate()
        .map(|(i, ((key, _, _), text))| {
            (
                key.to_string(),
                Narrative {
                    text: format!("Exempeldata: {text}"),
                    done: i < done,
                },
            )
        })
        .collect()
}

pub async fn seed(db: &Db, people: &People, now: DateTime<Utc>) -> Result<(), AppError> {
    let organisation_id = people.lead.organisation_id;
    let initiatives = crate::initiative::repo::list(db, organisation_id).await?;
    let Some(initiative) = initiatives.into_iter().find(|i| i.name == SATSNING) else {
        return Ok(());
    };
    let today = crate::sv::time::local_date(now);
    let current = HalfYear::of(today);
    let previous = HalfYear::of(current.first_day() - chrono::Duration::days(1));
    let halves = crate::halfyear::report_halves(initiative.start, initiative.end, today);
    if !halves.contains(&previous) {
        return Ok(());
    }
    let repo = crate::halfyear::repo::save_narratives;
    // Every earlier half-year's report came in and was approved without comments; the one that
    // ended last is written, costed, submitted and approved with a comment.
    for &half in halves.iter().filter(|h| **h < previous) {
        repo(db, people.lead, initiative.id, half, &texts(5, 5), now).await?;
        submit_and_approve(db, people, &initiative, half, &BTreeMap::new(), now).await?;
    }
    repo(db, people.lead, initiative.id, previous, &texts(5, 5), now).await?;
    let years = crate::halfyear::sections::cost_years(initiative.start, previous);
    let costs: Vec<ActualCost> = years
        .iter()
        .flat_map(|&year| {
            [
                ("personal", 310_000),
                ("lokaler", 42_000),
                ("material", 18_500),
            ]
            .into_iter()
            .map(move |(kind, amount)| ActualCost {
                year,
                cost_type: kind.to_string(),
                amount_sek: amount,
            })
        })
        .collect();
    crate::halfyear::repo::save_costs(
        db,
        people.lead,
        initiative.id,
        previous,
        &years,
        &costs,
        now,
        &AfterValues::none(),
    )
    .await?;
    let comments = BTreeMap::from([(
        "matt".to_string(),
        "Exempeldata: bra att andelen som lämnar in läxor i tid ökar. Visa nästa gång hur många som deltar per kväll.".to_string(),
    )]);
    submit_and_approve(db, people, &initiative, previous, &comments, now).await?;
    // The running half-year: a draft, two texts written, one of them klar.
    if halves.contains(&current) {
        repo(db, people.lead, initiative.id, current, &texts(1, 2), now).await?;
    }
    Ok(())
}

/// Submits `half`'s report as it stands and has the beredningsgrupp approve it.
async fn submit_and_approve(
    db: &Db,
    people: &People,
    initiative: &crate::initiative::Initiative,
    half: HalfYear,
    comments: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let organisation_id = people.lead.organisation_id;
    let today = crate::sv::time::local_date(now);
    let facts = crate::halfyear::repo::facts(
        db,
        organisation_id,
        initiative,
        half,
        crate::report::Rules::default(),
        crate::survey::thresholds(),
        today,
    )
    .await?;
    let sections = crate::halfyear::sections::assemble(&facts);
    let narratives = crate::halfyear::repo::get(db, organisation_id, initiative.id, half)
        .await?
        .map(|row| row.narratives)
        .unwrap_or_default();
    let snapshot = Snapshot {
        digests: crate::halfyear::sections::digests(&sections),
        sections,
        narratives,
    };
    let version = crate::halfyear::repo::submit(
        db,
        people.lead,
        initiative.id,
        half,
        &snapshot,
        now,
        &AfterValues::none(),
    )
    .await?;
    crate::halfyear::repo::review(
        db,
        people.review,
        initiative.id,
        half,
        version,
        Decision::Approved,
        comments,
        now,
    )
    .await
}
