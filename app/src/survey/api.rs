//! Server functions for enkäter: the builder (admin, utvärderare, the satsning's
//! projektledare), results for everyone who sees the satsning, and the participant's page,
//! which needs no login: its token is its only key.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Cell, Question, QuestionForm, Survey, SurveyForm, Wave, WaveForm, WaveState};
use crate::error::AppError;
use crate::form::Saved;

/// A survey in the satsning's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyItem {
    pub id: i64,
    pub title: String,
    pub questions: i64,
    pub waves: i64,
    pub responses: i64,
}

/// The satsning's Enkäter page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveysData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub may_build: bool,
    pub surveys: Vec<SurveyItem>,
}

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    crate::sv::time::local_date(chrono::Utc::now())
}

/// Enkäter: the satsning's surveys.
#[server(endpoint = "enkater/lista")]
pub async fn surveys(id: i64) -> Result<SurveysData, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let db = expect_context::<crate::db::Db>();
    let surveys = super::repo::list(&db, id)
        .await?
        .into_iter()
        .map(|s| SurveyItem {
            id: s.id,
            title: s.title,
            questions: s.questions,
            waves: s.waves,
            responses: s.responses,
        })
        .collect();
    Ok(SurveysData {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        may_build: super::may_build(&user, &initiative),
        surveys,
    })
}

/// The satsning and one of its surveys as the user may see them; with `build`, refused (403)
/// unless the user may build it.
#[cfg(feature = "ssr")]
async fn load_survey(
    id: i64,
    survey_id: i64,
    build: bool,
) -> Result<
    (
        crate::auth::CurrentUser,
        crate::initiative::Initiative,
        Survey,
    ),
    AppError,
> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let db = expect_context::<crate::db::Db>();
    let survey = super::repo::get(&db, user.organisation_id, survey_id).await?;
    if survey.initiative_id != id {
        return Err(AppError::NotFound);
    }
    if build && !super::may_build(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    Ok((user, initiative, survey))
}

/// The whole survey for a server route (the code sheet, the CSV): the user, the satsning's
/// name and the survey, checked like the pages.
#[cfg(feature = "ssr")]
pub async fn survey_for(
    db: &crate::db::Db,
    user: &crate::auth::CurrentUser,
    initiative: &crate::initiative::Initiative,
    survey_id: i64,
    build: bool,
) -> Result<Survey, AppError> {
    let survey = super::repo::get(db, user.organisation_id, survey_id).await?;
    if survey.initiative_id != initiative.id {
        return Err(AppError::NotFound);
    }
    if build && !super::may_build(user, initiative) {
        return Err(AppError::Forbidden);
    }
    Ok(survey)
}

/// Skapa enkät.
#[server(endpoint = "enkater/ny")]
pub async fn create_survey(id: i64, survey: SurveyForm) -> Result<Saved, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    if !super::may_build(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    let (title, intro) = survey.parse()?;
    let panel = survey.wants_panel();
    if panel && !super::panel::panel_key().is_set() {
        return Err(AppError::field(
            "survey[panel]",
            super::panel::NO_KEY_MESSAGE,
        ));
    }
    let db = expect_context::<crate::db::Db>();
    let sid = super::repo::create(
        &db,
        user.actor(),
        id,
        &title,
        &intro,
        panel,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}/enkater/{sid}?skapad=1"),
    })
}

/// A wave as the builder and results show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaveItem {
    pub wave: Wave,
    pub state: WaveState,
    /// Responses that results use (a multiple of the threshold).
    pub released: u64,
    pub codes: i64,
    pub codes_used: i64,
}

impl WaveItem {
    /// "Öppet", "Stängt", "Inte öppnat än".
    pub fn state_label(&self) -> &'static str {
        match self.state {
            WaveState::NotOpen => "Inte öppnat än",
            WaveState::Open => "Öppet",
            WaveState::Closed => "Stängt",
        }
    }

    /// Svarsfrekvens of a code wave: used codes of made codes, in whole per cent.
    pub fn response_rate(&self) -> Option<String> {
        (self.codes > 0).then(|| {
            format!(
                "{} % ({} av {} koder använda)",
                self.codes_used * 100 / self.codes,
                self.codes_used,
                self.codes
            )
        })
    }
}

/// The builder page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuilderData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub survey: Survey,
    pub questions: Vec<Question>,
    pub waves: Vec<WaveItem>,
    /// The satsning's active effektmått: (id, "E1 Andel trygga").
    pub measures: Vec<(i64, String)>,
    /// Answers exist: the questions are fixed.
    pub fixed: bool,
    pub may_build: bool,
    /// A panel survey's personal codes made so far.
    #[serde(default)]
    pub panel_codes: i64,
    /// The server has a panel key (panel codes can be made and used).
    #[serde(default)]
    pub panel_available: bool,
}

#[cfg(feature = "ssr")]
async fn wave_items(
    db: &crate::db::Db,
    survey_id: i64,
    limits: super::Thresholds,
) -> Result<(Vec<WaveItem>, bool), AppError> {
    let waves = super::repo::waves(db, survey_id).await?;
    let codes = super::repo::code_counts(db, survey_id).await?;
    let mut items = Vec::new();
    let mut any = false;
    for wave in waves {
        let total = super::repo::response_count(db, wave.id).await?;
        any |= total > 0;
        let (_, made, used) = codes
            .iter()
            .copied()
            .find(|c| c.0 == wave.id)
            .unwrap_or((wave.id, 0, 0));
        items.push(WaveItem {
            state: wave.state(today()),
            released: super::released(total, limits.min_n),
            wave,
            codes: made,
            codes_used: used,
        });
    }
    Ok((items, any))
}

/// The survey's builder: questions, waves and their links.
#[server(endpoint = "enkater/bygg")]
pub async fn survey_builder(id: i64, enkat: i64) -> Result<BuilderData, AppError> {
    let (user, initiative, survey) = load_survey(id, enkat, false).await?;
    let db = expect_context::<crate::db::Db>();
    let questions = super::repo::questions(&db, enkat).await?;
    let (waves, fixed) = wave_items(&db, enkat, super::thresholds()).await?;
    let schema = crate::schema::repo::load(&db, id).await?;
    let measures = schema
        .measures
        .iter()
        .filter(|m| m.kind == crate::schema::MeasureKind::Effect && !m.retired)
        .map(|m| (m.id, format!("{} {}", m.code, m.name)))
        .collect();
    Ok(BuilderData {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        may_build: super::may_build(&user, &initiative),
        survey,
        questions,
        waves,
        measures,
        fixed,
        panel_codes: super::repo::panel_code_count(&db, enkat).await?,
        panel_available: super::panel::panel_key().is_set(),
    })
}

/// Lägg till fråga; refused once a wave has answers.
#[server(endpoint = "enkater/fraga")]
pub async fn add_question(id: i64, enkat: i64, question: QuestionForm) -> Result<Saved, AppError> {
    let (user, _, _) = load_survey(id, enkat, true).await?;
    let db = expect_context::<crate::db::Db>();
    let schema = crate::schema::repo::load(&db, id).await?;
    let effects: Vec<i64> = schema
        .measures
        .iter()
        .filter(|m| m.kind == crate::schema::MeasureKind::Effect && !m.retired)
        .map(|m| m.id)
        .collect();
    let input = question.parse(&effects)?;
    super::repo::add_question(&db, user.actor(), enkat, &input, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}/enkater/{enkat}?fraga=1#fragor"),
    })
}

/// Ta bort fråga; refused once a wave has answers.
#[server(endpoint = "enkater/ta-bort-fraga")]
pub async fn delete_question(id: i64, enkat: i64, fraga: i64) -> Result<Saved, AppError> {
    let (user, _, _) = load_survey(id, enkat, true).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::delete_question(&db, user.actor(), enkat, fraga, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}/enkater/{enkat}?borttagen=1#fragor"),
    })
}

/// Nytt utskick.
#[server(endpoint = "enkater/utskick")]
pub async fn add_wave(id: i64, enkat: i64, wave: WaveForm) -> Result<Saved, AppError> {
    let (user, _, _) = load_survey(id, enkat, true).await?;
    let (name, opens, closes) = wave.parse()?;
    let db = expect_context::<crate::db::Db>();
    super::repo::add_wave(
        &db,
        user.actor(),
        enkat,
        (&name, opens, closes),
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}/enkater/{enkat}?utskick=1#utskick"),
    })
}

/// The wave `wave_id` of `survey_id`, or "not found".
#[cfg(feature = "ssr")]
pub async fn wave_of(db: &crate::db::Db, survey_id: i64, wave_id: i64) -> Result<Wave, AppError> {
    super::repo::waves(db, survey_id)
        .await?
        .into_iter()
        .find(|w| w.id == wave_id)
        .ok_or(AppError::NotFound)
}

/// What one question gives the effektmått it feeds from a wave's released responses.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionTransfer {
    pub question: Question,
    pub measure_id: i64,
    pub rule: super::Aggregation,
    /// The value, or why none.
    pub result: super::Transfer,
}

/// What each question that feeds an effektmått gives it from a wave's released responses.
/// The one computation behind the transfer, the automatic transfer at close and the values
/// on the satsning page.
#[cfg(feature = "ssr")]
pub async fn wave_transfers(
    db: &crate::db::Db,
    survey_id: i64,
    wave: &Wave,
    limits: super::Thresholds,
) -> Result<Vec<QuestionTransfer>, AppError> {
    let questions = super::repo::questions(db, survey_id).await?;
    let total = super::repo::response_count(db, wave.id).await?;
    let released = super::released(total, limits.min_n);
    let answers = super::repo::wave_answers(db, wave.id, released).await?;
    Ok(questions
        .into_iter()
        .filter_map(|q| {
            let (measure_id, rule) = (q.measure_id?, q.aggregation?);
            let numbers: Vec<f64> = answers
                .iter()
                .filter_map(|r| {
                    let mine: Vec<f64> = r
                        .iter()
                        .filter(|a| a.question_id == q.id)
                        .filter_map(|a| a.number)
                        .collect();
                    // A flerval answer counts once per response (its first choice).
                    mine.first().copied()
                })
                .collect();
            let result = super::transfer(rule, &numbers, limits);
            Some(QuestionTransfer {
                question: q,
                measure_id,
                rule,
                result,
            })
        })
        .collect())
}

/// The transfer rows of a wave: per question that feeds an effektmått, the value from the
/// released responses or why there is none.
#[cfg(feature = "ssr")]
pub async fn planned_transfer(
    db: &crate::db::Db,
    survey: &Survey,
    wave: &Wave,
    limits: super::Thresholds,
) -> Result<Vec<super::repo::TransferRow>, AppError> {
    Ok(wave_transfers(db, survey.id, wave, limits)
        .await?
        .into_iter()
        .map(|t| match t.result {
            super::Transfer::Value { value, n } => super::repo::TransferRow {
                question_id: t.question.id,
                measure_id: t.measure_id,
                value: Some(value),
                n,
                note: format!(
                    "Från enkäten {}, utskick {} ({}, n = {n}).",
                    survey.title,
                    wave.name,
                    t.rule.label().to_lowercase()
                ),
            },
            super::Transfer::Withheld { n, reason } => super::repo::TransferRow {
                question_id: t.question.id,
                measure_id: t.measure_id,
                value: None,
                n,
                note: reason,
            },
        })
        .collect())
}

/// Överför till effektmått: the wave's aggregated values go to the linked effektmått for the
/// month the wave closes, through reporting's write; a suppressed cell writes nothing and says
/// why. Refused before the wave opens and for a month the satsning does not report (yet).
#[server(endpoint = "enkater/overfor")]
pub async fn transfer_wave(id: i64, enkat: i64, vag: i64) -> Result<Saved, AppError> {
    let (user, initiative, survey) = load_survey(id, enkat, true).await?;
    let db = expect_context::<crate::db::Db>();
    let wave = wave_of(&db, enkat, vag).await?;
    if wave.state(today()) == WaveState::NotOpen {
        return Err(AppError::Conflict(
            "Utskicket har inte öppnat än, så det finns inga svar att föra över.".into(),
        ));
    }
    // The same months as the reporting form: the satsning must be decided, and the wave's
    // month within its period and not in the future.
    if let Some(reason) = crate::report::month::closed_reason(&initiative, wave.period(), today()) {
        return Err(AppError::Conflict(reason));
    }
    let rows = planned_transfer(&db, &survey, &wave, super::thresholds()).await?;
    if rows.is_empty() {
        return Err(AppError::Conflict(
            "Ingen fråga i enkäten är kopplad till ett effektmått.".into(),
        ));
    }
    let after = crate::report::AfterValues::from_context();
    let changed = super::repo::transfer(
        &db,
        user.actor(),
        id,
        &wave,
        &rows,
        chrono::Utc::now(),
        &after,
    )
    .await?;
    Ok(Saved {
        redirect: format!(
            "/satsningar/{id}/enkater/{enkat}/resultat?overfort={changed}#overforingar"
        ),
    })
}

/// One question's results: a cell per wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub question: Question,
    pub cells: Vec<Cell>,
}

/// One transfer as the results page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferItem {
    pub wave: String,
    pub question: String,
    pub period: String,
    pub value: Option<String>,
    pub n: i64,
    pub note: String,
}

/// The results page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub survey: Survey,
    pub waves: Vec<WaveItem>,
    pub results: Vec<QuestionResult>,
    pub transfers: Vec<TransferItem>,
    pub may_build: bool,
    pub limits: super::Thresholds,
    /// A panel survey's change per person, first wave against each later one.
    #[serde(default)]
    pub panel: Vec<PanelResult>,
}

/// Förändring per person for one question from the first wave to a later one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelResult {
    pub question: String,
    pub from: String,
    pub to: String,
    pub cell: super::PanelCell,
}

/// A panel survey's change per person: for every Likert and number question, the first wave
/// against each later one, from the waves' released answers.
#[cfg(feature = "ssr")]
pub async fn panel_results(
    db: &crate::db::Db,
    waves: &[WaveItem],
    results: &[QuestionResult],
    limits: super::Thresholds,
) -> Result<Vec<PanelResult>, AppError> {
    let Some((first, later)) = waves.split_first() else {
        return Ok(Vec::new());
    };
    let numbers = |rows: &[(String, i64, f64)], question: i64| -> Vec<(String, f64)> {
        rows.iter()
            .filter(|(_, q, _)| *q == question)
            .map(|(p, _, v)| (p.clone(), *v))
            .collect()
    };
    let before = super::repo::panel_numbers(db, first.wave.id, first.released).await?;
    let mut out = Vec::new();
    for wave in later {
        let after = super::repo::panel_numbers(db, wave.wave.id, wave.released).await?;
        for r in results.iter().filter(|r| {
            matches!(
                r.question.kind,
                super::QuestionKind::Likert | super::QuestionKind::Number
            )
        }) {
            out.push(PanelResult {
                question: r.question.text.clone(),
                from: first.wave.name.clone(),
                to: wave.wave.name.clone(),
                cell: super::panel_change(
                    &numbers(&before, r.question.id),
                    &numbers(&after, r.question.id),
                    limits.min_n,
                ),
            });
        }
    }
    Ok(out)
}

/// The survey's results, every cell suppressed as the rules say (also used by the CSV).
#[cfg(feature = "ssr")]
pub async fn results_of(
    db: &crate::db::Db,
    survey: &Survey,
    limits: super::Thresholds,
) -> Result<(Vec<WaveItem>, Vec<QuestionResult>), AppError> {
    let questions = super::repo::questions(db, survey.id).await?;
    let (waves, _) = wave_items(db, survey.id, limits).await?;
    let mut per_wave = Vec::new();
    for w in &waves {
        let answers = super::repo::wave_answers(db, w.wave.id, w.released).await?;
        per_wave.push(answers);
    }
    let results = questions
        .into_iter()
        .map(|q| {
            let cells = per_wave
                .iter()
                .map(|answers| {
                    let mine: Vec<Vec<super::Answer>> = answers
                        .iter()
                        .map(|r| {
                            r.iter()
                                .filter(|a| a.question_id == q.id)
                                .cloned()
                                .collect()
                        })
                        .collect();
                    super::cell(&q, &mine, limits)
                })
                .collect();
            QuestionResult { question: q, cells }
        })
        .collect();
    Ok((waves, results))
}

/// Resultat: distributions per question and wave, with what went to effektmått.
#[server(endpoint = "enkater/resultat")]
pub async fn survey_results(id: i64, enkat: i64) -> Result<ResultsData, AppError> {
    let (user, initiative, survey) = load_survey(id, enkat, false).await?;
    let db = expect_context::<crate::db::Db>();
    let (waves, results) = results_of(&db, &survey, super::thresholds()).await?;
    let panel = if survey.panel {
        panel_results(&db, &waves, &results, super::thresholds()).await?
    } else {
        Vec::new()
    };
    let transfers = super::repo::transfers(&db, enkat)
        .await?
        .into_iter()
        .map(
            |(wave_id, question_id, period, value, n, note)| TransferItem {
                wave: waves
                    .iter()
                    .find(|w| w.wave.id == wave_id)
                    .map(|w| w.wave.name.clone())
                    .unwrap_or_default(),
                question: results
                    .iter()
                    .find(|r| r.question.id == question_id)
                    .map(|r| r.question.text.clone())
                    .unwrap_or_default(),
                period: crate::report::Period::from_db(period)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                value: value.map(crate::sv::number::format_decimal),
                n,
                note,
            },
        )
        .collect();
    Ok(ResultsData {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        may_build: super::may_build(&user, &initiative),
        survey,
        waves,
        results,
        transfers,
        limits: super::thresholds(),
        panel,
    })
}

/// What the participant's page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ParticipantData {
    /// The form, with a fresh submission id made by the server.
    Form {
        survey: Box<Survey>,
        wave_id: i64,
        wave_name: String,
        questions: Vec<Question>,
        submission: String,
        is_example: bool,
    },
    /// Closed, not yet open, or the code already used: a calm message.
    Closed { title: String, message: String },
}

/// The participant's survey behind `token` (an open link or a personal code); the calm
/// messages in the participant's language `sprak` (`sv`, `en`, `ar`; anything else Swedish).
#[server(endpoint = "enkat/hamta")]
pub async fn participant_form(token: String, sprak: String) -> Result<ParticipantData, AppError> {
    let db = expect_context::<crate::db::Db>();
    let lang = super::Lang::from_query(Some(&sprak));
    let target =
        match super::repo::find_link(&db, &token, &super::panel::panel_key(), today()).await {
            Ok(found) => found.ok_or(AppError::NotFound)?,
            // A panel code while the server has no panel key: calm, not an error page.
            Err(AppError::Conflict(message)) => {
                return Ok(ParticipantData::Closed {
                    title: "Enkät".into(),
                    message,
                });
            }
            Err(other) => return Err(other),
        };
    if let Some(message) = target.wave.closed_message_in(today(), lang) {
        return Ok(ParticipantData::Closed {
            title: target.survey.in_lang(lang).title,
            message,
        });
    }
    if target.single_use && target.used {
        let words = lang.words();
        return Ok(ParticipantData::Closed {
            title: target.survey.in_lang(lang).title,
            message: if target.pseudonym.is_some() {
                words.panel_used
            } else {
                words.used_code
            }
            .into(),
        });
    }
    let questions = super::repo::questions(&db, target.survey.id).await?;
    Ok(ParticipantData::Form {
        survey: Box::new(target.survey),
        wave_id: target.wave.id,
        wave_name: target.wave.name,
        questions,
        submission: super::new_token(26),
        is_example: target.is_example,
    })
}

/// Skicka svar: checks every answer, then stores the response once (see
/// [`super::repo::store_batch`] and [`super::writer`]). A form for another wave than the
/// token's is refused.
/// `sprak` is the language the form was shown in: its messages and the thanks page follow it;
/// the answers stored are the same in every language.
#[server(endpoint = "enkat/svara")]
pub async fn submit_survey(
    token: String,
    vag: i64,
    inlamning: String,
    svar: Option<BTreeMap<String, String>>,
    flera: Option<BTreeMap<String, BTreeMap<String, String>>>,
    sprak: Option<String>,
) -> Result<Saved, AppError> {
    let db = expect_context::<crate::db::Db>();
    let lang = super::Lang::from_query(sprak.as_deref());
    let target = super::repo::find_link(&db, &token, &super::panel::panel_key(), today())
        .await?
        .ok_or(AppError::NotFound)?;
    if target.wave.id != vag {
        return Err(AppError::BadRequest(lang.words().wrong_form.into()));
    }
    let submission = inlamning.trim();
    if submission.len() < 20 || submission.len() > 64 {
        return Err(AppError::BadRequest(
            "Formuläret kunde inte läsas. Öppna länken igen och svara där.".into(),
        ));
    }
    if let Some(message) = target.wave.closed_message_in(today(), lang) {
        return Err(AppError::Conflict(message));
    }
    let questions = super::repo::questions(&db, target.survey.id).await?;
    let answers = super::read_answers_in(
        lang,
        &questions,
        &svar.unwrap_or_default(),
        &flera.unwrap_or_default(),
    )
    .map_err(AppError::Validation)?;
    // Group commit on SQLite: answered once the response is committed (`survey::writer`).
    let writer = expect_context::<super::writer::ResponseWriter>();
    let pending = super::repo::Pending::of(&target, submission, answers, today(), "webb");
    let panel = target.pseudonym.is_some();
    writer.store(pending).await.map_err(|e| match e {
        // The one message the repository words: a code used meanwhile.
        AppError::Conflict(_) if panel => AppError::Conflict(lang.words().panel_used.into()),
        AppError::Conflict(_) if lang != super::Lang::Sv => {
            AppError::Conflict(lang.words().used_code.into())
        }
        other => other,
    })?;
    Ok(Saved {
        redirect: format!("/enkat/tack{}", lang.query()),
    })
}

/// Översättning: save the English or Arabic texts of a survey (`sprak` = `en` or `ar`).
/// Allowed also once waves have answers: answers are stored by option number, so a
/// translation changes what participants read, not what they answered.
#[server(endpoint = "enkater/oversatt")]
pub async fn save_translation(
    id: i64,
    enkat: i64,
    sprak: String,
    translation: super::TranslationForm,
) -> Result<Saved, AppError> {
    let (user, _, _) = load_survey(id, enkat, true).await?;
    let lang = match super::Lang::from_query(Some(&sprak)) {
        super::Lang::Sv => {
            return Err(AppError::BadRequest(
                "Välj engelska eller arabiska att översätta till.".into(),
            ));
        }
        lang => lang,
    };
    let db = expect_context::<crate::db::Db>();
    let questions = super::repo::questions(&db, enkat).await?;
    let checked = translation.parse(lang, &questions)?;
    super::repo::save_translation(&db, user.actor(), enkat, &checked, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!(
            "/satsningar/{id}/enkater/{enkat}/oversattning?sprak={}&sparad=1",
            lang.code()
        ),
    })
}

/// The paper-entry page's data: the wave and its questions, with a fresh submission id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub survey: Survey,
    pub wave: Wave,
    pub questions: Vec<Question>,
    pub submission: String,
    /// Paper answers entered so far in this wave.
    pub paper_count: i64,
}

/// Pappersenkäter: the form staff type one paper questionnaire into.
#[server(endpoint = "enkater/papper")]
pub async fn paper_form(id: i64, enkat: i64, vag: i64) -> Result<PaperData, AppError> {
    let (_, initiative, survey) = load_survey(id, enkat, true).await?;
    let db = expect_context::<crate::db::Db>();
    let wave = wave_of(&db, enkat, vag).await?;
    let questions = super::repo::questions(&db, enkat).await?;
    let paper_count = super::repo::paper_count(&db, vag).await?;
    Ok(PaperData {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        survey,
        wave,
        questions,
        submission: super::new_token(26),
        paper_count,
    })
}

/// Spara pappersenkät: the same checks as a participant's answers, counted in the wave.
#[server(endpoint = "enkater/papper/spara")]
pub async fn enter_paper(
    id: i64,
    enkat: i64,
    vag: i64,
    inlamning: String,
    svar: Option<BTreeMap<String, String>>,
    flera: Option<BTreeMap<String, BTreeMap<String, String>>>,
) -> Result<Saved, AppError> {
    let (user, _, _) = load_survey(id, enkat, true).await?;
    let db = expect_context::<crate::db::Db>();
    let wave = wave_of(&db, enkat, vag).await?;
    let submission = inlamning.trim();
    if submission.len() < 20 || submission.len() > 64 {
        return Err(AppError::BadRequest(
            "Formuläret kunde inte läsas. Ladda om sidan och försök igen.".into(),
        ));
    }
    let questions = super::repo::questions(&db, enkat).await?;
    let answers = super::read_answers(
        &questions,
        &svar.unwrap_or_default(),
        &flera.unwrap_or_default(),
    )
    .map_err(AppError::Validation)?;
    super::repo::store_paper(
        &db,
        user.actor(),
        wave.id,
        submission,
        &answers,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}/enkater/{enkat}/utskick/{vag}/papper?sparad=1"),
    })
}

/// A survey as the satsning page lists it: its answers and the effektmått it feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyFeed {
    pub id: i64,
    pub title: String,
    pub responses: i64,
    /// "Jag känner mig trygg … → E1 Andel trygga (andel ≥ 4 (%))".
    pub feeds: Vec<String>,
}

/// The satsning's surveys with the measures their questions feed (for the satsning page).
#[cfg(feature = "ssr")]
pub async fn feeds(db: &crate::db::Db, initiative_id: i64) -> Result<Vec<SurveyFeed>, AppError> {
    let surveys = super::repo::list(db, initiative_id).await?;
    if surveys.is_empty() {
        return Ok(Vec::new());
    }
    let schema = crate::schema::repo::load(db, initiative_id).await?;
    let mut out = Vec::new();
    for s in surveys {
        let questions = super::repo::questions(db, s.id).await?;
        let feeds = questions
            .iter()
            .filter_map(|q| {
                let measure = schema
                    .measures
                    .iter()
                    .find(|m| Some(m.id) == q.measure_id)?;
                let rule = q.aggregation?;
                Some(format!(
                    "{} → {} {} ({})",
                    q.text,
                    measure.code,
                    measure.name,
                    rule.label().to_lowercase()
                ))
            })
            .collect();
        out.push(SurveyFeed {
            id: s.id,
            title: s.title,
            responses: s.responses,
            feeds,
        });
    }
    Ok(out)
}

/// One wave's result beside an effektmått: its n and value, or hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedShown {
    /// n and the value as text ("60", "3,4").
    Value { n: u64, value: String },
    /// Fewer answers than the threshold: no number at all.
    Hidden { min: u64 },
}

impl FeedShown {
    /// "dold – färre än 5 svar" for a hidden value.
    pub fn hidden_text(min: u64) -> String {
        format!("dold – färre än {min} svar")
    }
}

/// One wave of a survey question beside the effektmått it feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedWave {
    pub wave: String,
    pub state: String,
    pub shown: FeedShown,
}

/// Enkätresultat vid effektmåttet: a survey question's latest results per wave, for the
/// satsning page to show beside the measure the question feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureSurvey {
    pub initiative_id: i64,
    pub measure_id: i64,
    pub survey_id: i64,
    pub survey_title: String,
    pub question: String,
    /// "andel ≥ 4 (%)".
    pub rule: String,
    pub waves: Vec<FeedWave>,
}

/// The satsning's survey questions that feed an effektmått, each with its results per wave:
/// the cell as the results page computes it ([`results_of`]) and the value as the transfer
/// computes it ([`wave_transfers`]), joined by [`super::feed_value`].
#[cfg(feature = "ssr")]
pub async fn measure_surveys(
    db: &crate::db::Db,
    organisation_id: i64,
    initiative_id: i64,
    limits: super::Thresholds,
) -> Result<Vec<MeasureSurvey>, AppError> {
    let mut out = Vec::new();
    for row in super::repo::list(db, initiative_id).await? {
        let survey = super::repo::get(db, organisation_id, row.id).await?;
        let (waves, results) = results_of(db, &survey, limits).await?;
        let mut per_wave = Vec::new();
        for w in &waves {
            per_wave.push(wave_transfers(db, survey.id, &w.wave, limits).await?);
        }
        for result in &results {
            let q = &result.question;
            let (Some(measure_id), Some(rule)) = (q.measure_id, q.aggregation) else {
                continue;
            };
            let waves = waves
                .iter()
                .zip(&result.cells)
                .zip(&per_wave)
                .map(|((w, cell), transfers)| {
                    let transfer = transfers
                        .iter()
                        .find(|t| t.question.id == q.id)
                        .map(|t| t.result.clone())
                        .unwrap_or(super::Transfer::Withheld {
                            n: 0,
                            reason: String::new(),
                        });
                    let shown = match super::feed_value(cell, &transfer, limits) {
                        super::FeedValue::Shown { n, value } => FeedShown::Value {
                            n,
                            value: crate::sv::number::format_decimal(value),
                        },
                        super::FeedValue::Hidden { min } => FeedShown::Hidden { min },
                    };
                    FeedWave {
                        wave: w.wave.name.clone(),
                        state: w.state_label().to_lowercase(),
                        shown,
                    }
                })
                .collect();
            out.push(MeasureSurvey {
                initiative_id,
                measure_id,
                survey_id: survey.id,
                survey_title: survey.title.clone(),
                question: q.text.clone(),
                rule: rule.label().to_lowercase(),
                waves,
            });
        }
    }
    Ok(out)
}
