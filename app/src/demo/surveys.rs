//! The demo's enkät: "Läxhjälp i Vivalla (fiktiv)" asks its pupils before and after, two
//! waves with invented answers (deterministic, no random source). It is a panel, so the
//! results page shows the change per pupil (the pseudonyms are invented too, not made with
//! the server's secret). The Likert question feeds
//! the satsning's effektmått; the optional free-text question has too few answers in "Efter",
//! so the results page shows suppression. Every text says it is example data. Nothing is
//! transferred to the effektmått: the demo's values stay the ones its course drew, so the wave
//! that has already closed is marked as dealt with for the automatic transfer at close.

use chrono::{DateTime, Duration, Utc};

use super::write::People;
use crate::db::Db;
use crate::error::AppError;
use crate::survey::{Answer, QuestionForm};

/// The satsning that gets the demo survey.
pub const SATSNING: &str = "Läxhjälp i Vivalla (fiktiv)";

pub async fn seed(db: &Db, people: &People, now: DateTime<Utc>) -> Result<(), AppError> {
    let initiatives = crate::initiative::repo::list(db, people.lead.organisation_id).await?;
    let Some(initiative) = initiatives.into_iter().find(|i| i.name == SATSNING) else {
        return Ok(());
    };
    let schema = crate::schema::repo::load(db, initiative.id).await?;
    let effect = schema
        .measures
        .iter()
        .find(|m| m.kind == crate::schema::MeasureKind::Effect && !m.retired)
        .map(|m| m.id);
    let lead = people.lead;
    let survey = crate::survey::repo::create(
        db,
        lead,
        initiative.id,
        "Hur går skolarbetet? (exempel)",
        "Exempeldata: frågorna och svaren är påhittade för att visa hur en enkät fungerar.",
        true,
        now,
    )
    .await?;
    let likert = QuestionForm {
        kind: "likert".into(),
        text: "Jag får hjälp med läxorna när jag behöver det".into(),
        help: "Välj det som stämmer bäst för dig.".into(),
        required: true,
        low_label: "Stämmer inte alls".into(),
        high_label: "Stämmer helt".into(),
        measure: effect.map(|m| m.to_string()).unwrap_or_default(),
        aggregation: if effect.is_some() {
            "andel_minst".into()
        } else {
            String::new()
        },
        threshold: "4".into(),
        ..QuestionForm::default()
    };
    let yes_no = QuestionForm {
        kind: "janej".into(),
        text: "Har du lämnat in alla läxor den här veckan?".into(),
        required: true,
        ..QuestionForm::default()
    };
    let free = QuestionForm {
        kind: "fritext".into(),
        text: "Vad skulle göra läxhjälpen bättre?".into(),
        ..QuestionForm::default()
    };
    let effects: Vec<i64> = effect.into_iter().collect();
    let mut ids = Vec::new();
    for form in [likert, yes_no, free] {
        let input = form.parse(&effects)?;
        ids.push(crate::survey::repo::add_question(db, lead, survey, &input, now).await?);
    }
    let today = crate::sv::time::local_date(now);
    let waves = [
        (
            "Före",
            today - Duration::days(120),
            today - Duration::days(100),
            30,
            12,
        ),
        (
            "Efter",
            today - Duration::days(10),
            today + Duration::days(20),
            17,
            4,
        ),
    ];
    for (w, (name, opens, closes, responses, texts)) in waves.into_iter().enumerate() {
        let wave =
            crate::survey::repo::add_wave(db, lead, survey, (name, opens, closes), now).await?;
        if closes < today {
            use crate::survey::repo::{Closing, leave_closed};
            leave_closed(db, wave, Closing::Demo, now).await?;
        }
        for i in 0..responses {
            // A panel: pupil i answers both waves under one pseudonym. "Efter" leans higher:
            // two pupils in three get more help than before, the rest stay where they were.
            let before = 1 + ((i * 7) % 5) as i64;
            let step = if w == 1 && i % 3 != 0 {
                (before + 1).min(5)
            } else {
                before
            };
            let mut answers = vec![
                Answer {
                    question_id: ids[0],
                    number: Some(step as f64),
                    text: None,
                },
                Answer {
                    question_id: ids[1],
                    number: Some(if (i + w) % 3 == 0 { 0.0 } else { 1.0 }),
                    text: None,
                },
            ];
            if i < texts {
                let text = [
                    "Mer tid med läxhjälparna",
                    "Fler datorer",
                    "Lugnare rum",
                    "Fika",
                ];
                answers.push(Answer {
                    question_id: ids[2],
                    number: None,
                    text: Some(format!("Exempel: {}", text[i % text.len()])),
                });
            }
            let day = opens + Duration::days((i % 5) as i64);
            let pseudonym = format!("exempel-{i:02}");
            crate::survey::repo::insert_answers(db, wave, &answers, day, "webb", Some(&pseudonym))
                .await?;
        }
    }
    Ok(())
}
