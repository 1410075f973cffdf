//! SQL for enkäter. Builder changes are audited in their own transaction; a participant's
//! response is stored without any audit row (one would carry a time and the request), with
//! the single-use code consumed and the submission key recorded in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    Aggregation, Answer, Lang, Question, QuestionInput, QuestionKind, QuestionTexts, Survey,
    SurveyTexts, Translation, Wave,
};
use crate::audit::repo::record_change;
use crate::audit::{Action, Actor, Agent};
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
    panel: bool,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO survey (organisation_id, initiative_id, title, intro, panel, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(actor.organisation_id)
        .bind(initiative_id)
        .bind(title)
        .bind(intro)
        .bind(panel)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "initiative_id": { "after": initiative_id },
        "title": { "after": title },
        "panel": { "after": panel },
    });
    record_change(&mut tx, actor, Action::Create, "survey", id, changes, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Survey `id` of the organisation (another organisation's is "not found").
pub async fn get(db: &Db, organisation_id: i64, id: i64) -> Result<Survey, AppError> {
    let row: Option<(i64, i64, String, String, bool)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, initiative_id, title, intro, panel FROM survey
             WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id)
        .bind(organisation_id)
        .fetch_optional(pool)
        .await
    })?;
    let (id, initiative_id, title, intro, panel) = row.ok_or(AppError::NotFound)?;
    let (en, ar) = survey_texts(db, id).await?;
    Ok(Survey {
        id,
        initiative_id,
        title,
        intro,
        en,
        ar,
        panel,
    })
}

/// The survey's English and Arabic title and intro.
async fn survey_texts(db: &Db, id: i64) -> Result<(SurveyTexts, SurveyTexts), AppError> {
    let (title_en, intro_en, title_ar, intro_ar): (String, String, String, String) =
        db_read!(db, |pool| {
            sqlx::query_as(
                "SELECT title_en, intro_en, title_ar, intro_ar FROM survey WHERE id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await
        })?;
    Ok((
        SurveyTexts {
            title: title_en,
            intro: intro_en,
        },
        SurveyTexts {
            title: title_ar,
            intro: intro_ar,
        },
    ))
}

/// One line per option, as stored.
fn option_lines(stored: &str) -> Vec<String> {
    stored
        .lines()
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect()
}

/// A translation's options, as stored: one per line, an empty line for one left to Swedish.
fn translated_lines(stored: &str) -> Vec<String> {
    if stored.trim().is_empty() {
        return Vec::new();
    }
    stored.lines().map(str::to_string).collect()
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
    text_en: String,
    text_ar: String,
    help_en: String,
    help_ar: String,
    low_label_en: String,
    low_label_ar: String,
    high_label_en: String,
    high_label_ar: String,
    options_en: String,
    options_ar: String,
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
            options: option_lines(&self.options),
            measure_id: self.measure_id,
            aggregation: self
                .aggregation
                .as_deref()
                .and_then(|a| Aggregation::from_db(a, self.threshold)),
            en: QuestionTexts {
                text: self.text_en,
                help: self.help_en,
                low_label: self.low_label_en,
                high_label: self.high_label_en,
                options: translated_lines(&self.options_en),
            },
            ar: QuestionTexts {
                text: self.text_ar,
                help: self.help_ar,
                low_label: self.low_label_ar,
                high_label: self.high_label_ar,
                options: translated_lines(&self.options_ar),
            },
        }
    }
}

/// The survey's questions in order.
pub async fn questions(db: &Db, survey_id: i64) -> Result<Vec<Question>, AppError> {
    let rows: Vec<QuestionRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, position, kind, text, help, required, low_label, high_label, min_value,
                    max_value, options, measure_id, aggregation, threshold, text_en, text_ar,
                    help_en, help_ar, low_label_en, low_label_ar, high_label_en, high_label_ar,
                    options_en, options_ar
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
    /// The link's row (0 for a panel code: nothing is consumed, the pseudonym is the "once").
    pub link_id: i64,
    pub single_use: bool,
    pub used: bool,
    pub wave: Wave,
    pub survey: Survey,
    pub is_example: bool,
    /// A panel code's pseudonym in this survey (see `survey::panel`); `None` for a link or a
    /// wave's code.
    pub pseudonym: Option<String>,
}

/// What a panel code found: its survey, but no key to make its pseudonym with.
pub const PANEL_UNAVAILABLE: &str = "Enkäten kan inte besvaras just nu. Försök igen senare.";

/// The link or code `token` names, if any: a wave's open link or personal code, or a panel
/// survey's personal code, which leads to the survey's wave open today (or, when none is, the
/// one nearest in time, so the participant reads when it opens or that it has closed).
/// `Err(Conflict)` for a panel code when the server has no panel key.
pub async fn find_link(
    db: &Db,
    token: &str,
    key: &super::panel::PanelKey,
    today: NaiveDate,
) -> Result<Option<Target>, AppError> {
    let found = match find_link_row(db, token).await? {
        Some(target) => Some(target),
        None => find_panel_code(db, token, key, today).await?,
    };
    let Some(mut target) = found else {
        return Ok(None);
    };
    (target.survey.en, target.survey.ar) = survey_texts(db, target.survey.id).await?;
    Ok(Some(target))
}

type TargetRow = (
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
    bool,
);

fn target_of(row: TargetRow, pseudonym: Option<String>) -> Target {
    let (
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
        panel,
    ) = row;
    Target {
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
            en: SurveyTexts::default(),
            ar: SurveyTexts::default(),
            panel,
        },
        is_example,
        pseudonym,
    }
}

async fn find_link_row(db: &Db, token: &str) -> Result<Option<Target>, AppError> {
    let row: Option<TargetRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT l.id, l.single_use, l.used, w.id, w.name, w.opens_on, w.closes_on,
                    s.id, s.initiative_id, s.title, s.intro, i.is_example, s.panel
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
    Ok(row.map(|row| target_of(row, None)))
}

/// A panel survey's personal code: the wave open on `today` (the latest opened when several
/// are), else the next to open, else the last to close; "used" when this participant's
/// pseudonym already answered that wave.
async fn find_panel_code(
    db: &Db,
    token: &str,
    key: &super::panel::PanelKey,
    today: NaiveDate,
) -> Result<Option<Target>, AppError> {
    let survey: Option<i64> = db_read!(db, |pool| {
        sqlx::query_scalar(
            "SELECT c.survey_id FROM survey_panel_code c JOIN survey s ON s.id = c.survey_id
             WHERE c.token_hash = $1 AND s.panel = TRUE",
        )
        .bind(super::token_hash(token))
        .fetch_optional(pool)
        .await
    })?;
    let Some(survey_id) = survey else {
        return Ok(None);
    };
    let pseudonym = key
        .pseudonym(survey_id, token)
        .ok_or_else(|| AppError::Conflict(PANEL_UNAVAILABLE.into()))?;
    let row: Option<TargetRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT CAST(0 AS BIGINT), TRUE,
                    EXISTS (SELECT 1 FROM survey_response r
                            WHERE r.wave_id = w.id AND r.pseudonym = $2),
                    w.id, w.name, w.opens_on, w.closes_on,
                    s.id, s.initiative_id, s.title, s.intro, i.is_example, s.panel
             FROM survey_wave w
             JOIN survey s ON s.id = w.survey_id
             JOIN initiative i ON i.id = s.initiative_id
             WHERE w.survey_id = $1
             ORDER BY CASE WHEN w.opens_on <= $3 AND w.closes_on >= $3 THEN 0
                           WHEN w.opens_on > $3 THEN 1 ELSE 2 END,
                      CASE WHEN w.opens_on > $3 THEN w.opens_on END ASC,
                      w.opens_on DESC, w.id DESC
             LIMIT 1",
        )
        .bind(survey_id)
        .bind(&pseudonym)
        .bind(today)
        .fetch_optional(pool)
        .await
    })?;
    // A panel survey without waves yet: nothing to answer, as for an unknown code.
    Ok(row.map(|row| target_of(row, Some(pseudonym))))
}

/// Stores the hashes of new panel codes for survey `survey_id`, audited by count only.
pub async fn add_panel_codes(
    db: &Db,
    actor: Actor,
    survey_id: i64,
    tokens: &[String],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    for chunk in tokens.chunks(200) {
        on_tx!(&mut tx, |conn| {
            let mut insert =
                sqlx::QueryBuilder::new("INSERT INTO survey_panel_code (survey_id, token_hash) ");
            insert.push_values(chunk, |mut row, token| {
                row.push_bind(survey_id).push_bind(super::token_hash(token));
            });
            insert.build().execute(conn).await.map(|_| ())
        })?;
    }
    let changes = serde_json::json!({ "panel_codes_added": { "after": tokens.len() } });
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "survey",
        survey_id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many panel codes survey `survey_id` has.
pub async fn panel_code_count(db: &Db, survey_id: i64) -> Result<i64, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM survey_panel_code WHERE survey_id = $1")
            .bind(survey_id)
            .fetch_one(pool)
            .await
    })?)
}

/// The panel answers among a wave's first `limit` responses (the released prefix, as every
/// result): (pseudonym, question id, number) of each numeric answer, in response order.
pub async fn panel_numbers(
    db: &Db,
    wave_id: i64,
    limit: u64,
) -> Result<Vec<(String, i64, f64)>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT r.pseudonym, a.question_id, a.number
             FROM survey_answer a
             JOIN (SELECT id, pseudonym FROM survey_response WHERE wave_id = $1
                   ORDER BY id LIMIT $2) r ON r.id = a.response_id
             WHERE r.pseudonym IS NOT NULL AND a.number IS NOT NULL
             ORDER BY r.id, a.id",
        )
        .bind(wave_id)
        .bind(limit as i64)
        .fetch_all(pool)
        .await
    })?)
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

/// One participant's response waiting to be stored: what [`store_response`] and the group
/// commit ([`store_batch`]) need of its link, and nothing of the link's token.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub wave_id: i64,
    /// Only read to consume a single-use code; nothing stored points back to it.
    pub link_id: i64,
    pub single_use: bool,
    /// A panel participant's pseudonym: stored on the response, and "once per wave" is its
    /// unique key; no link is consumed then.
    pub pseudonym: Option<String>,
    /// The form's submission id (only its hash is stored).
    pub submission: String,
    pub answers: Vec<Answer>,
    pub day: NaiveDate,
    pub source: &'static str,
}

impl Pending {
    /// The response `answers` of the participant behind `target`, submitted on `day`.
    pub fn of(
        target: &Target,
        submission: &str,
        answers: Vec<Answer>,
        day: NaiveDate,
        source: &'static str,
    ) -> Self {
        Pending {
            wave_id: target.wave.id,
            link_id: target.link_id,
            single_use: target.single_use,
            pseudonym: target.pseudonym.clone(),
            submission: submission.to_string(),
            answers,
            day,
            source,
        }
    }
}

/// Stores one response of `wave_id` in one transaction: the submission key first (a second
/// post of the same form finds it and stores nothing), then the single-use code is consumed
/// (refused when used), then the response and its answers. `link_id` is only read here;
/// nothing stored points back to it. One transaction per response: the PostgreSQL path and
/// the naive rate the survey benchmark compares the group commit with.
pub async fn store_response(db: &Db, pending: &Pending) -> Result<Stored, AppError> {
    let mut tx = db.begin().await?;
    match store_in(&mut tx, pending).await {
        Ok(Stored::New) => {
            tx.commit().await?;
            Ok(Stored::New)
        }
        Ok(Stored::Repeat) => {
            tx.rollback().await?;
            Ok(Stored::Repeat)
        }
        Err(error) => tx.abort(error).await,
    }
}

/// Stores several responses in ONE transaction (group commit; see `survey::writer`) with
/// [`store_response`]'s rules, each step done for the whole batch in one statement (a batch of
/// 32 takes about 35 statements, not 180): the submission keys (a key seen before, or earlier
/// in the batch, is a repeat), the single-use codes (a code used, or used earlier in the batch,
/// refuses that response), the responses (a panel participant who has answered is refused),
/// all answers, and last the keys of the refused responses are removed again, so that form
/// posted once more is refused again rather than thanked. A repeat within the batch gets its
/// original's outcome. The outcome of each, in order, once the transaction is committed;
/// `Err` when the transaction itself failed (then nothing of the batch is stored).
pub async fn store_batch(
    db: &Db,
    batch: &[&Pending],
) -> Result<Vec<Result<Stored, AppError>>, AppError> {
    use std::collections::{HashMap, HashSet};
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = db.begin().await?;
    let keys: Vec<String> = batch
        .iter()
        .map(|p| super::token_hash(&p.submission))
        .collect();
    let fresh: HashSet<String> = on_tx!(&mut tx, |conn| {
        let mut insert =
            sqlx::QueryBuilder::new("INSERT INTO survey_submission (key_hash, wave_id) ");
        insert.push_values(batch.iter().zip(&keys), |mut row, (pending, key)| {
            row.push_bind(key.as_str()).push_bind(pending.wave_id);
        });
        insert.push(" ON CONFLICT (key_hash) DO NOTHING RETURNING key_hash");
        insert.build_query_scalar::<String>().fetch_all(conn).await
    })?
    .into_iter()
    .collect();
    // Per response: its outcome once known; a repeat within the batch points at its original.
    let mut outcomes: Vec<Option<Result<Stored, AppError>>> = vec![None; batch.len()];
    let mut original: HashMap<&str, usize> = HashMap::new();
    let mut repeat_of: Vec<Option<usize>> = vec![None; batch.len()];
    for (i, key) in keys.iter().enumerate() {
        match original.get(key.as_str()) {
            Some(&first) => repeat_of[i] = Some(first),
            None if fresh.contains(key) => {
                original.insert(key, i);
            }
            None => outcomes[i] = Some(Ok(Stored::Repeat)),
        }
    }
    let live = |outcomes: &[Option<Result<Stored, AppError>>],
                repeat_of: &[Option<usize>],
                i: usize| { outcomes[i].is_none() && repeat_of[i].is_none() };
    let codes: Vec<i64> = (0..batch.len())
        .filter(|&i| live(&outcomes, &repeat_of, i))
        .filter(|&i| batch[i].single_use && batch[i].pseudonym.is_none())
        .map(|i| batch[i].link_id)
        .collect();
    if !codes.is_empty() {
        let consumed: HashSet<i64> = on_tx!(&mut tx, |conn| {
            let mut update = sqlx::QueryBuilder::new(
                "UPDATE survey_link SET used = TRUE WHERE used = FALSE AND id IN (",
            );
            let mut ids = update.separated(", ");
            for id in &codes {
                ids.push_bind(*id);
            }
            update.push(") RETURNING id");
            update.build_query_scalar::<i64>().fetch_all(conn).await
        })?
        .into_iter()
        .collect();
        let mut taken = HashSet::new();
        for i in 0..batch.len() {
            let pending = batch[i];
            if live(&outcomes, &repeat_of, i)
                && pending.single_use
                && pending.pseudonym.is_none()
                && !(consumed.contains(&pending.link_id) && taken.insert(pending.link_id))
            {
                outcomes[i] = Some(Err(AppError::Conflict(USED_MESSAGE.into())));
            }
        }
    }
    let mut stored: Vec<(i64, &[Answer])> = Vec::new();
    for i in 0..batch.len() {
        if !live(&outcomes, &repeat_of, i) {
            continue;
        }
        let pending = batch[i];
        let response = insert_response_row(
            &mut tx,
            pending.wave_id,
            pending.day,
            pending.source,
            pending.pseudonym.as_deref(),
        )
        .await?;
        outcomes[i] = Some(match response {
            Some(id) => {
                stored.push((id, &pending.answers));
                Ok(Stored::New)
            }
            // This panel participant has answered the wave already (also from another device).
            None => Err(AppError::Conflict(USED_MESSAGE.into())),
        });
    }
    insert_response_answers(&mut tx, &stored).await?;
    let refused: Vec<&str> = (0..batch.len())
        .filter(|&i| matches!(outcomes[i], Some(Err(_))))
        .map(|i| keys[i].as_str())
        .collect();
    if !refused.is_empty() {
        on_tx!(&mut tx, |conn| {
            let mut delete =
                sqlx::QueryBuilder::new("DELETE FROM survey_submission WHERE key_hash IN (");
            let mut hashes = delete.separated(", ");
            for key in &refused {
                hashes.push_bind(*key);
            }
            delete.push(")");
            delete.build().execute(conn).await.map(|_| ())
        })?;
    }
    tx.commit().await?;
    let firsts: Vec<Option<Result<Stored, AppError>>> = outcomes.clone();
    Ok(outcomes
        .into_iter()
        .zip(repeat_of)
        .map(|(outcome, repeat)| match repeat {
            // A double click within the batch: thanked as a repeat when its original is stored,
            // refused as its original was.
            Some(first) => match &firsts[first] {
                Some(Err(error)) => Err(error.clone()),
                _ => Ok(Stored::Repeat),
            },
            None => outcome.unwrap_or(Ok(Stored::Repeat)),
        })
        .collect())
}

/// Answers per statement: four bound values each, well under both backends' limit on bound
/// parameters.
const ANSWERS_PER_INSERT: usize = 2000;

/// Every answer of the `responses` stored, a few thousand per statement.
async fn insert_response_answers(
    tx: &mut Tx,
    responses: &[(i64, &[Answer])],
) -> Result<(), AppError> {
    let rows: Vec<(i64, &Answer)> = responses
        .iter()
        .flat_map(|(id, answers)| answers.iter().map(move |a| (*id, a)))
        .collect();
    for chunk in rows.chunks(ANSWERS_PER_INSERT) {
        on_tx!(&mut *tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO survey_answer (response_id, question_id, number, text) ",
            );
            insert.push_values(chunk, |mut row, (response_id, a)| {
                row.push_bind(*response_id)
                    .push_bind(a.question_id)
                    .push_bind(a.number)
                    .push_bind(a.text.as_deref());
            });
            insert.build().execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// [`store_response`]'s steps inside the caller's transaction. `Repeat` and `Err` have
/// written nothing that must stay: the caller rolls back.
async fn store_in(tx: &mut Tx, pending: &Pending) -> Result<Stored, AppError> {
    let fresh = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO survey_submission (key_hash, wave_id) VALUES ($1, $2)
             ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(super::token_hash(&pending.submission))
        .bind(pending.wave_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if fresh == 0 {
        return Ok(Stored::Repeat);
    }
    if pending.single_use && pending.pseudonym.is_none() {
        let consumed = on_tx!(tx, |conn| {
            sqlx::query("UPDATE survey_link SET used = TRUE WHERE id = $1 AND used = FALSE")
                .bind(pending.link_id)
                .execute(conn)
                .await
                .map(|r| r.rows_affected())
        })?;
        if consumed == 0 {
            return Err(AppError::Conflict(USED_MESSAGE.into()));
        }
    }
    let stored = insert_response(
        tx,
        pending.wave_id,
        &pending.answers,
        pending.day,
        pending.source,
        pending.pseudonym.as_deref(),
    )
    .await?;
    if !stored {
        // This panel participant has answered the wave already (also from another device).
        return Err(AppError::Conflict(USED_MESSAGE.into()));
    }
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
        None,
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
/// by staff, the demo's invented ones): same anonymity, no submission key; `pseudonym` for
/// a panel participant's (the demo's).
pub async fn insert_answers(
    db: &Db,
    wave_id: i64,
    answers: &[Answer],
    day: NaiveDate,
    source: &str,
    pseudonym: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    insert_response(&mut tx, wave_id, answers, day, source, pseudonym).await?;
    tx.commit().await?;
    Ok(())
}

/// One response row and its answers; `false` (nothing written) when `pseudonym` has
/// answered this wave already.
async fn insert_response(
    tx: &mut Tx,
    wave_id: i64,
    answers: &[Answer],
    today: NaiveDate,
    source: &str,
    pseudonym: Option<&str>,
) -> Result<bool, AppError> {
    let Some(response_id) = insert_response_row(tx, wave_id, today, source, pseudonym).await?
    else {
        return Ok(false);
    };
    insert_response_answers(tx, &[(response_id, answers)]).await?;
    Ok(true)
}

/// The response row (no answers yet): its id, or `None` when this panel participant has
/// answered the wave already.
async fn insert_response_row(
    tx: &mut Tx,
    wave_id: i64,
    today: NaiveDate,
    source: &str,
    pseudonym: Option<&str>,
) -> Result<Option<i64>, AppError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO survey_response (wave_id, answered_on, source, pseudonym)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (wave_id, pseudonym) DO NOTHING
             RETURNING id",
        )
        .bind(wave_id)
        .bind(today)
        .bind(source)
        .bind(pseudonym)
        .fetch_optional(conn)
        .await
    })?)
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

/// A wave with personal codes, for the low-response reminder.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeWave {
    pub initiative_id: i64,
    pub survey_title: String,
    pub wave: Wave,
    pub codes: i64,
    pub used: i64,
}

/// The waves of `organisation_id` with codes that close from `from` through `to`.
pub async fn closing_code_waves(
    db: &Db,
    organisation_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CodeWave>, AppError> {
    type Row = (
        i64,
        String,
        i64,
        i64,
        String,
        NaiveDate,
        NaiveDate,
        i64,
        i64,
    );
    let rows: Vec<Row> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT s.initiative_id, s.title, w.survey_id, w.id, w.name, w.opens_on, w.closes_on,
                    COUNT(l.id), COALESCE(SUM(CASE WHEN l.used THEN 1 ELSE 0 END), 0)
             FROM survey_wave w
             JOIN survey s ON s.id = w.survey_id
             JOIN survey_link l ON l.wave_id = w.id AND l.single_use = TRUE
             WHERE s.organisation_id = $1 AND w.closes_on >= $2 AND w.closes_on <= $3
             GROUP BY s.initiative_id, s.title, w.survey_id, w.id, w.name, w.opens_on, w.closes_on
             ORDER BY w.closes_on, w.id",
        )
        .bind(organisation_id)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(
                initiative_id,
                survey_title,
                survey_id,
                id,
                name,
                opens_on,
                closes_on,
                codes,
                used,
            )| {
                CodeWave {
                    initiative_id,
                    survey_title,
                    wave: Wave {
                        id,
                        survey_id,
                        name,
                        opens_on,
                        closes_on,
                    },
                    codes,
                    used,
                }
            },
        )
        .collect())
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
/// audited — all in one transaction, with `after` (the deviation evaluation) when a value
/// changed.
pub async fn transfer(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    wave: &Wave,
    rows: &[TransferRow],
    now: DateTime<Utc>,
    after: &crate::report::AfterValues,
) -> Result<usize, AppError> {
    let mut tx = db.begin().await?;
    let changed = write_transfer(&mut tx, actor.into(), initiative_id, wave, rows, now).await?;
    if changed > 0 {
        after.run(&mut tx, initiative_id).await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// [`transfer`] inside a transaction the caller commits: by a person or by Utfall itself.
async fn write_transfer(
    tx: &mut Tx,
    agent: Agent,
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
    let month = crate::report::repo::MonthSave {
        period,
        entries: &entries,
        reason: None,
        submit: false,
    };
    let outcome = crate::report::repo::write_month(tx, agent, initiative_id, month, now).await?;
    for row in rows {
        let id: i64 = on_tx!(&mut *tx, |conn| {
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
            &mut *tx,
            agent,
            Action::Create,
            "survey_transfer",
            id,
            changes,
            now,
        )
        .await?;
    }
    Ok(outcome.changed)
}

/// A closed wave the automatic transfer has not dealt with yet, with where it belongs.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedWave {
    pub organisation_id: i64,
    pub initiative_id: i64,
    pub wave: Wave,
    /// When it was transferred (by hand), newest first.
    pub transferred_at: Vec<DateTime<Utc>>,
}

/// The waves that closed before `today` (their last day is past), that the automatic transfer
/// has not claimed, and whose survey feeds an effektmått, in every organisation.
pub async fn closed_waves(db: &Db, today: NaiveDate) -> Result<Vec<ClosedWave>, AppError> {
    type Row = (i64, i64, String, NaiveDate, NaiveDate, i64, i64);
    let rows: Vec<Row> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT w.id, w.survey_id, w.name, w.opens_on, w.closes_on, s.initiative_id,
                    s.organisation_id
             FROM survey_wave w JOIN survey s ON s.id = w.survey_id
             WHERE w.closes_on < $1
               AND NOT EXISTS (SELECT 1 FROM survey_wave_closed c WHERE c.wave_id = w.id)
               AND EXISTS (SELECT 1 FROM survey_question q
                           WHERE q.survey_id = w.survey_id AND q.measure_id IS NOT NULL)
             ORDER BY w.id",
        )
        .bind(today)
        .fetch_all(pool)
        .await
    })?;
    let mut waves = Vec::with_capacity(rows.len());
    for (id, survey_id, name, opens_on, closes_on, initiative_id, organisation_id) in rows {
        let transferred_at: Vec<DateTime<Utc>> = db_read!(db, |pool| {
            sqlx::query_scalar("SELECT at FROM survey_transfer WHERE wave_id = $1 ORDER BY id DESC")
                .bind(id)
                .fetch_all(pool)
                .await
        })?;
        waves.push(ClosedWave {
            organisation_id,
            initiative_id,
            wave: Wave {
                id,
                survey_id,
                name,
                opens_on,
                closes_on,
            },
            transferred_at,
        });
    }
    Ok(waves)
}

/// What the automatic transfer did with a closed wave (`survey_wave_closed.outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Transferred by the job.
    Transferred,
    /// Someone had transferred it by hand after it closed: left as it is.
    ByHand,
    /// A demo wave: the demo's values stay the ones its course drew.
    Demo,
}

impl Closing {
    fn as_db(self) -> &'static str {
        match self {
            Closing::Transferred => "overford",
            Closing::ByHand => "for_hand",
            Closing::Demo => "demo",
        }
    }
}

/// Claims `wave_id` for the automatic transfer inside `tx`: `true` if this call did (the
/// primary key lets one transaction succeed; another instance's waits and gets `false`).
async fn claim_closed(
    tx: &mut Tx,
    wave_id: i64,
    outcome: Closing,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let inserted = on_tx!(&mut *tx, |conn| {
        sqlx::query(
            "INSERT INTO survey_wave_closed (wave_id, outcome, at) VALUES ($1, $2, $3)
             ON CONFLICT (wave_id) DO NOTHING",
        )
        .bind(wave_id)
        .bind(outcome.as_db())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(inserted == 1)
}

/// Marks a closed wave as dealt with, without transferring (by hand already, or the demo).
pub async fn leave_closed(
    db: &Db,
    wave_id: i64,
    outcome: Closing,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut tx = db.begin().await?;
    let claimed = claim_closed(&mut tx, wave_id, outcome, now).await?;
    tx.commit().await?;
    Ok(claimed)
}

/// The automatic transfer of a closed wave, by Utfall itself: the claim and the transfer in
/// one transaction, so it happens once whatever the number of instances. `None` when another
/// instance had claimed the wave; otherwise the number of values written.
pub async fn transfer_closed(
    db: &Db,
    closed: &ClosedWave,
    rows: &[TransferRow],
    now: DateTime<Utc>,
    after: &crate::report::AfterValues,
) -> Result<Option<usize>, AppError> {
    let mut tx = db.begin().await?;
    if !claim_closed(&mut tx, closed.wave.id, Closing::Transferred, now).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    let agent = Agent::system(closed.organisation_id);
    let changed = write_transfer(
        &mut tx,
        agent,
        closed.initiative_id,
        &closed.wave,
        rows,
        now,
    )
    .await?;
    if changed > 0 {
        after.run(&mut tx, closed.initiative_id).await?;
    }
    tx.commit().await?;
    Ok(Some(changed))
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

/// Saves the translation into one language of survey `survey_id`, audited, in one
/// transaction. Allowed also once a wave has answers: answers are stored by option number,
/// so a translation changes what participants read, not what was answered.
pub async fn save_translation(
    db: &Db,
    actor: Actor,
    survey_id: i64,
    translation: &Translation,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let code = translation.lang.code();
    if translation.lang == Lang::Sv {
        return Err(AppError::BadRequest(
            "Svenska är enkätens eget språk.".into(),
        ));
    }
    let mut tx = db.begin().await?;
    // Column names come from the fixed language code, never from input.
    let survey_sql =
        format!("UPDATE survey SET title_{code} = $1, intro_{code} = $2 WHERE id = $3");
    on_tx!(&mut tx, |conn| {
        sqlx::query(sqlx::AssertSqlSafe(survey_sql.clone()))
            .bind(&translation.survey.title)
            .bind(&translation.survey.intro)
            .bind(survey_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    let question_sql = format!(
        "UPDATE survey_question SET text_{code} = $1, help_{code} = $2, low_label_{code} = $3,
                high_label_{code} = $4, options_{code} = $5
         WHERE id = $6 AND survey_id = $7"
    );
    for (id, texts) in &translation.questions {
        on_tx!(&mut tx, |conn| {
            sqlx::query(sqlx::AssertSqlSafe(question_sql.clone()))
                .bind(&texts.text)
                .bind(&texts.help)
                .bind(&texts.low_label)
                .bind(&texts.high_label)
                .bind(texts.options.join("\n"))
                .bind(*id)
                .bind(survey_id)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    let changes = serde_json::json!({
        "language": { "after": code },
        "title": { "after": translation.survey.title },
        "intro": { "after": translation.survey.intro },
        "questions": { "after": translation.questions.len() },
    });
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "survey_translation",
        survey_id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
