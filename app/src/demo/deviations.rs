//! The demo's avvikelser: the rules run over the demo values (their off-target and missing
//! months raise the flags), then a few flags are walked along the lifecycle so the queue shows
//! every state — explained by the projektledare, decided by the beredningsgrupp. Every text
//! says it is example data.

use chrono::{DateTime, Utc};

use super::write::People;
use crate::db::Db;
use crate::deviation::repo::{Settings, decide, explain, queue, sweep};
use crate::deviation::{Decision, Explanation, QueueFilter};
use crate::error::AppError;

fn explanation(text: &str, action: &str) -> Explanation {
    Explanation {
        explanation: format!("Exempeldata: {text}"),
        planned_action: format!("Exempeldata: {action}"),
    }
}

pub async fn seed(
    db: &Db,
    people: &People,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sweep(db, &Settings::default(), now).await?;
    let mine = QueueFilter {
        led_by: Some(people.lead.user_id),
        ..QueueFilter::default()
    };
    let led = queue(db, organisation_id, &mine).await?;
    let all = queue(db, organisation_id, &QueueFilter::default()).await?;
    let others: Vec<_> = all
        .iter()
        .filter(|f| !led.iter().any(|l| l.id == f.id))
        .collect();
    // The projektledare has explained one of their flags; another is explained and the
    // beredningsgrupp wants more done.
    if let Some(flag) = led.first() {
        let text = explanation(
            "två av handledarna var sjukskrivna under hösten och gruppträffarna ställdes in.",
            "vikarierande handledare från december och två extra träffar i januari.",
        );
        explain(db, people.lead, flag.id, &text, now).await?;
    }
    if let Some(flag) = led.get(1) {
        let text = explanation(
            "färre deltagare än planerat hittade till insatsen efter sommaren.",
            "uppsökande arbete tillsammans med Arbetsmarknadsenheten.",
        );
        explain(db, people.lead, flag.id, &text, now).await?;
        let comment = "Exempeldata: redovisa effekten av det uppsökande arbetet till nästa möte.";
        decide(
            db,
            people.review,
            &[flag.id],
            Some(Decision::ActionRequired),
            comment,
            now,
        )
        .await?;
    }
    // Two of the ended Örebro satsningar' flags were dealt with at an earlier meeting.
    for (flag, decision, comment) in others
        .iter()
        .zip([
            (
                Decision::Accepted,
                "Exempeldata: förklaringen godtas; avvikelsen beskrivs i slutrapporten.",
            ),
            (
                Decision::Escalated,
                "Exempeldata: lyfts till styrgruppen inför beslut om implementering.",
            ),
        ])
        .map(|(f, (d, c))| (f, d, c))
    {
        let text = explanation(
            "insatsen kom i gång senare än planerat på två av skolorna.",
            "uppföljning i den uppföljande utvärderingen.",
        );
        explain(db, people.admin, flag.id, &text, now).await?;
        decide(db, people.review, &[flag.id], Some(decision), comment, now).await?;
    }
    Ok(())
}
