//! SQL for enkäter. Builder changes are audited in their own transaction; a participant's
//! response is stored without any audit row (one would carry a time and the request), with
//! the single-use code consumed and the submission key recorded in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Aggregation, Answer, Question, QuestionInput, QuestionKind, Survey, Wave};
use crate::audit::repo::record_change;
use crate::audit::{Action, Actor};
use crate::db::{Db, Tx};
use crate::error::AppError;
use crate::{db_read, on_tx};

/// A survey in the satsning's list.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SurveyRow {
    pub id: i64,
    pub title: String,
    pub questions: i64,
    pub waves: i64,
    pub responses: i64,
}

/// The satsning's surveys, oldest first.
pub async fn list(db: &Db, initiative_id: i64) -> Result<Vec<SurveyRow>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT s.id, s.title,
                    (SELECT COUNT(*) FROM survey_question q WHERE q.survey_id = s.id) AS questions,
                    (SELECT COUNT(*) FROM survey_wave w WHERE w.survey_id = s.id) AS waves,
                    (SELECT COUNT(*) FROM survey_response r JOIN survey_wave w ON w.id = r.wave_id
                      WHERE w.survey_id = s.id) AS responses
             FROM survey s WHERE s.initiative_id = $1 ORDER BY s.id",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?)
}

/// A new survey of satsning `initiative_id`, audited; its id.
pub async fn create(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    title: &str,
    intro: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO survey (organisation_id, initiative_id, title, intro, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(actor.organisation_id)
        .bind(initiative_id)
        .bind(title)
        .bind(intro)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "initiative_id": { "after": initiative_id },
        "title": { "after": title },
    });
    record_change(&mut tx, actor, Action::Create, "survey", id, changes, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Survey `id` of the organisation (another organisation's is "not found").
pub async fn get(db: &Db, organisation_id: i64, id: i64) -> Result<Survey, AppError> {
    let row: Option<(i64, i64, String, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, initiative_id, title, intro FROM survey
             WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id)
        .bind(organisation_id)
        .fetch_optional(pool)
        .await
    })?;
    let (id, initiative_id, title, intro) = row.ok_or(AppError::NotFound)?;
    Ok(Survey {
        id,
        initiative_id,
        title,
        intro,
    })
}

#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    position: i64,
    kind: String,
    text: String,
    help: String,
    required: bool,
    low_label: String,
    high_label: String,
    min_value: Option<f64>,
    max_value: Option<f64>,
    options: String,
    measure_id: Option<i64>,
    aggregation: Option<String>,
    threshold: Option<f64>,
}

impl QuestionRow {
    fn into_question(self) -> Question {
        Question {
            id: self.id,
            position: self.position,
            kind: QuestionKind::from_db(&self.kind).unwrap_or(QuestionKind::FreeText),
            text: self.text,
            help: self.help,
            required: self.required,
            low_label: self.low_label,
            high_label: self.high_label,
            min: self.min_value,
            max: self.max_value,
            options: self
                .options
                .lines()
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect(),
            measure_id: self.measure_id,
            aggregation: self
                .aggregation
                .as_deref()
                .and_then(|a| Aggregation::from_db(a, self.threshold)),
        }
    }
}

/// The survey's questions in order.
pub async fn questions(db: &Db, survey_id: i64) -> Result<Vec<Question>, AppError> {
    let rows: Vec<QuestionRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, position, kind, text, help, required, low_label, high_label, min_value,
                    max_value, options, measure_id, aggregation, threshold
             FROM survey_question WHERE survey_id = $1 ORDER BY position, id",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(QuestionRow::into_question).collect())
}

/// The survey's waves, by opening date.
pub async fn waves(db: &Db, survey_id: i64) -> Result<Vec<Wave>, AppError> {
    let rows: Vec<(i64, String, NaiveDate, NaiveDate)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, opens_on, closes_on FROM survey_wave
             WHERE survey_id = $1 ORDER BY opens_on, id",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, opens_on, closes_on)| Wave {
            id,
            survey_id,
            name,
            opens_on,
            closes_on,
        })
        .collect())
}

/// Whether any wave of the survey has answers (then its questions are fixed).
async fn answered(tx: &mut Tx, survey_id: i64) -> Result<bool, AppError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM survey_response r JOIN survey_wave w ON w.id = r.wave_id
                            WHERE w.survey_id = $1)",
        )
        .bind(survey_id)
        .fetch_one(conn)
        .await
    })?)
}

/// Adds a question at the end, audited; refused once the survey has answers.
pub async fn add_question(
    db: &Db,
    actor: Actor,
    survey_id: i64,
    input: &QuestionInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    if answered(&mut tx, survey_id).await? {
        return tx
            .abort(AppError::Conflict(super::FIXED_MESSAGE.into()))
            .await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO survey_question (survey_id, position, kind, text, help, required,
                 low_label, high_label, min_value, max_value, options, measure_id, aggregation,
                 threshold)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM survey_question
                          WHERE survey_id = $1),
                     $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             RETURNING id",
        )
        .bind(survey_id)
        .bind(input.kind.as_db())
        .bind(&input.text)
        .bind(&input.help)
        .bind(input.required)
        .bind(&input.low_label)
        .bind(&input.high_label)
        .bind(input.min)
        .bind(input.max)
        .bind(input.options.join("\n"))
        .bind(input.measure_id)
        .bind(input.aggregation.map(|a| a.as_db()))
        .bind(input.aggregation.and_then(|a| a.threshold()))
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "survey_id": { "after": survey_id },
        "kind": { "after": input.kind.as_db() },
        "text": { "after": input.text },
        "measure_id": { "after": input.measure_id },
    });
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "survey_question",
        id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a question, audited; refused once the survey has answers.
pub async fn delete_question(
    db: &Db,
    actor: Actor,
    survey_id: i64,
    question_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    if answered(&mut tx, survey_id).await? {
        return tx
            .abort(AppError::Conflict(super::FIXED_MESSAGE.into()))
            .await;
    }
    let text: Option<String> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "DELETE FROM survey_question WHERE id = $1 AND survey_id = $2 RETURNING text",
        )
        .bind(question_id)
        .bind(survey_id)
        .fetch_optional(conn)
        .await
    })?;
    let Some(text) = text else {
        return tx.abort(AppError::NotFound).await;
    };
    let changes = serde_json::json!({ "text": { "before": text } });
    record_change(
        &mut tx,
        actor,
        Action::Delete,
        "survey_question",
        question_id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new wave, audited; its id.
pub async fn add_wave(
    db: &Db,
    actor: Actor,
    survey_id: i64,
    (name, opens_on, closes_on): (&str, NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO survey_wave (survey_id, name, opens_on, closes_on, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(survey_id)
        .bind(name)
        .bind(opens_on)
        .bind(closes_on)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "survey_id": { "after": survey_id },
        "name": { "after": name },
        "opens_on": { "after": opens_on.to_string() },
        "closes_on": { "after": closes_on.to_string() },
    });
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "survey_wave",
        id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Stores the hashes of new tokens for wave `wave_id` (an open link, or a batch of
/// single-use codes), audited by count only: the audit trail never holds a token.
pub async fn add_links(
    db: &Db,
    actor: Actor,
    wave_id: i64,
    tokens: &[String],
    single_use: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    for chunk in tokens.chunks(200) {
        on_tx!(&mut tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO survey_link (wave_id, token_hash, single_use) ",
            );
            insert.push_values(chunk, |mut row, token| {
                row.push_bind(wave_id)
                    .push_bind(super::token_hash(token))
                    .push_bind(single_use);
            });
            insert.build().execute(conn).await.map(|_| ())
        })?;
    }
    let field = if single_use {
        "codes_added"
    } else {
        "links_added"
    };
    let mut changes = serde_json::Map::new();
    changes.insert(field.into(), serde_json::json!({ "after": tokens.len() }));
    let changes = serde_json::Value::Object(changes);
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "survey_wave",
        wave_id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Where a participant's token leads.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub link_id: i64,
    pub single_use: bool,
    pub used: bool,
    pub wave: Wave,
    pub survey: Survey,
    pub is_example: bool,
}

/// The link or code `token` names, if any.
pub async fn find_link(db: &Db, token: &str) -> Result<Option<Target>, AppError> {
    type Row = (
        i64,
        bool,
        bool,
        i64,
        String,
        NaiveDate,
        NaiveDate,
        i64,
        i64,
        String,
        String,
        bool,
    );
    let row: Option<Row> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT l.id, l.single_use, l.used, w.id, w.name, w.opens_on, w.closes_on,
                    s.id, s.initiative_id, s.title, s.intro, i.is_example
             FROM survey_link l
             JOIN survey_wave w ON w.id = l.wave_id
             JOIN survey s ON s.id = w.survey_id
             JOIN initiative i ON i.id = s.initiative_id
             WHERE l.token_hash = $1",
        )
        .bind(super::token_hash(token))
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(
        |(
            link_id,
            single_use,
            used,
            wave_id,
            name,
            opens_on,
            closes_on,
            sid,
            iid,
            title,
            intro,
            is_example,
        )| Target {
            link_id,
            single_use,
            used,
            wave: Wave {
                id: wave_id,
                survey_id: sid,
                name,
                opens_on,
                closes_on,
            },
            survey: Survey {
                id: sid,
                initiative_id: iid,
                title,
                intro,
            },
            is_example,
        },
    ))
}

/// What storing a response did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The answers are stored.
    New,
    /// This submission was stored before (a double click or a retry): nothing stored again.
    Repeat,
}

/// The message when a personal code has been used.
pub const USED_MESSAGE: &str = "Den här koden har redan använts för att svara. Varje kod kan bara användas en gång. Tack för att du svarade!";

/// Stores one response of `wave_id` in one transaction: the submission key first (a second
/// post of the same form finds it and stores nothing), then the single-use code is consumed
/// (refused when used), then the response and its answers. `link_id` is only read here;
/// nothing stored points back to it.
pub async fn store_response(
    db: &Db,
    target: &Target,
    submission: &str,
    answers: &[Answer],
    today: NaiveDate,
    source: &str,
) -> Result<Stored, AppError> {
    let mut tx = db.begin().await?;
    let fresh = on_tx!(&mut tx, |conn| {
        sqlx::query(
            "INSERT INTO survey_submission (key_hash, wave_id) VALUES ($1, $2)
             ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(super::token_hash(submission))
        .bind(target.wave.id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if fresh == 0 {
        tx.rollback().await?;
        return Ok(Stored::Repeat);
    }
    if target.single_use {
        let consumed = on_tx!(&mut tx, |conn| {
            sqlx::query("UPDATE survey_link SET used = TRUE WHERE id = $1 AND used = FALSE")
                .bind(target.link_id)
                .execute(conn)
                .await
                .map(|r| r.rows_affected())
        })?;
        if consumed == 0 {
            return tx.abort(AppError::Conflict(USED_MESSAGE.into())).await;
        }
    }
    insert_response(&mut tx, target.wave.id, answers, today, source).await?;
    tx.commit().await?;
    Ok(Stored::New)
}

/// Stores one paper questionnaire typed in by staff as a response of `wave_id` (source
/// "papper"): the submission key makes a double click store once; the audit row counts the
/// entry on the wave and names no response.
pub async fn store_paper(
    db: &Db,
    actor: Actor,
    wave_id: i64,
    submission: &str,
    answers: &[Answer],
    now: DateTime<Utc>,
) -> Result<Stored, AppError> {
    let mut tx = db.begin().await?;
    let fresh = on_tx!(&mut tx, |conn| {
        sqlx::query(
            "INSERT INTO survey_submission (key_hash, wave_id) VALUES ($1, $2)
             ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(super::token_hash(submission))
        .bind(wave_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if fresh == 0 {
        tx.rollback().await?;
        return Ok(Stored::Repeat);
    }
    insert_response(
        &mut tx,
        wave_id,
        answers,
        crate::sv::time::local_date(now),
        "papper",
    )
    .await?;
    let changes = serde_json::json!({ "paper_answers_added": { "after": 1 } });
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "survey_wave",
        wave_id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Stored::New)
}

/// Stores one response of `wave_id` that did not come through a link (paper answers typed in
/// by staff, the demo's invented ones): same anonymity, no submission key.
pub async fn insert_answers(
    db: &Db,
    wave_id: i64,
    answers: &[Answer],
    day: NaiveDate,
    source: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    insert_response(&mut tx, wave_id, answers, day, source).await?;
    tx.commit().await?;
    Ok(())
}

/// One response row and its answers.
async fn insert_response(
    tx: &mut Tx,
    wave_id: i64,
    answers: &[Answer],
    today: NaiveDate,
    source: &str,
) -> Result<(), AppError> {
    let response_id: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO survey_response (wave_id, answered_on, source) VALUES ($1, $2, $3)
             RETURNING id",
        )
        .bind(wave_id)
        .bind(today)
        .bind(source)
        .fetch_one(conn)
        .await
    })?;
    if !answers.is_empty() {
        on_tx!(tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO survey_answer (response_id, question_id, number, text) ",
            );
            insert.push_values(answers, |mut row, a| {
                row.push_bind(response_id)
                    .push_bind(a.question_id)
                    .push_bind(a.number)
                    .push_bind(a.text.as_deref());
            });
            insert.build().execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// How many responses a wave has.
pub async fn response_count(db: &Db, wave_id: i64) -> Result<u64, AppError> {
    let total: i64 = db_read!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM survey_response WHERE wave_id = $1")
            .bind(wave_id)
            .fetch_one(pool)
            .await
    })?;
    Ok(total as u64)
}

/// The answers of a wave's first `limit` responses (results use a released prefix only),
/// grouped per response.
pub async fn wave_answers(db: &Db, wave_id: i64, limit: u64) -> Result<Vec<Vec<Answer>>, AppError> {
    let rows: Vec<(i64, i64, Option<f64>, Option<String>)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT a.response_id, a.question_id, a.number, a.text FROM survey_answer a
             WHERE a.response_id IN (SELECT id FROM survey_response WHERE wave_id = $1
                                     ORDER BY id LIMIT $2)
             ORDER BY a.response_id, a.id",
        )
        .bind(wave_id)
        .bind(limit as i64)
        .fetch_all(pool)
        .await
    })?;
    let mut grouped: Vec<(i64, Vec<Answer>)> = Vec::new();
    for (response, question_id, number, text) in rows {
        let answer = Answer {
            question_id,
            number,
            text,
        };
        match grouped.last_mut() {
            Some((r, list)) if *r == response => list.push(answer),
            _ => grouped.push((response, vec![answer])),
        }
    }
    Ok(grouped.into_iter().map(|(_, list)| list).collect())
}

/// How many paper questionnaires a wave has.
pub async fn paper_count(db: &Db, wave_id: i64) -> Result<i64, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM survey_response WHERE wave_id = $1 AND source = 'papper'",
        )
        .bind(wave_id)
        .fetch_one(pool)
        .await
    })?)
}

/// Per wave of the survey: (wave id, codes made, codes used).
pub async fn code_counts(db: &Db, survey_id: i64) -> Result<Vec<(i64, i64, i64)>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT w.id,
                    COUNT(l.id),
                    COALESCE(SUM(CASE WHEN l.used THEN 1 ELSE 0 END), 0)
             FROM survey_wave w
             LEFT JOIN survey_link l ON l.wave_id = w.id AND l.single_use = TRUE
             WHERE w.survey_id = $1 GROUP BY w.id",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })?)
}

/// One question's transfer, to store.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferRow {
    pub question_id: i64,
    pub measure_id: i64,
    pub value: Option<f64>,
    pub n: u64,
    pub note: String,
}

/// "Överför till effektmått": the values go to the measures through reporting's own write
/// (audit, latest value, the month's row), and what was done per question is recorded and
/// audited — all in one transaction.
pub async fn transfer(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    wave: &Wave,
    rows: &[TransferRow],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let period = wave.period();
    let entries: Vec<crate::report::repo::Entry> = rows
        .iter()
        .filter_map(|r| {
            Some(crate::report::repo::Entry {
                measure_id: r.measure_id,
                value: Some(r.value?),
                comment: r.note.clone(),
            })
        })
        .collect();
    let mut tx = db.begin().await?;
    let month = crate::report::repo::MonthSave {
        period,
        entries: &entries,
        reason: None,
        submit: false,
    };
    let outcome =
        crate::report::repo::write_month(&mut tx, actor, initiative_id, month, now).await?;
    for row in rows {
        let id: i64 = on_tx!(&mut tx, |conn| {
            sqlx::query_scalar(
                "INSERT INTO survey_transfer (wave_id, question_id, measure_id, period, value, n, note, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(wave.id)
            .bind(row.question_id)
            .bind(row.measure_id)
            .bind(period.as_db())
            .bind(row.value)
            .bind(row.n as i64)
            .bind(&row.note)
            .bind(now)
            .fetch_one(conn)
            .await
        })?;
        let changes = serde_json::json!({
            "wave_id": { "after": wave.id },
            "measure_id": { "after": row.measure_id },
            "period": { "after": period.to_string() },
            "value": { "after": row.value },
            "n": { "after": row.n },
            "note": { "after": row.note },
        });
        record_change(
            &mut tx,
            actor,
            Action::Create,
            "survey_transfer",
            id,
            changes,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outcome.changed)
}

/// What was sent to effektmått from the survey: (wave id, question id, period, value, n,
/// note), newest first.
pub async fn transfers(
    db: &Db,
    survey_id: i64,
) -> Result<Vec<(i64, i64, i64, Option<f64>, i64, String)>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT t.wave_id, t.question_id, t.period, t.value, t.n, t.note
             FROM survey_transfer t JOIN survey_wave w ON w.id = t.wave_id
             WHERE w.survey_id = $1 ORDER BY t.id DESC",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })?)
}
