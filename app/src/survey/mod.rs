//! Enkäter: participant surveys of a satsning, their questions and waves (utskick), the
//! checks of a participant's answers, the aggregation of answers into an effektmått value, and
//! small-cell suppression. Everything here is pure; SQL is in `repo.rs`.
//!
//! Anonymity rules that the rest of the concept relies on:
//! - a response is stored with its wave, its date and its source only (see migration 0019);
//! - a result cell (one question in one wave) with fewer than [`Thresholds::min_n`] answers
//!   (free text: [`Thresholds::min_n_text`]) is not shown and writes nothing to an effektmått;
//! - results are computed over the first `released(n)` responses only, a multiple of
//!   `min_n`, so two views taken before and after one more answer are identical, and a
//!   difference between views always spans at least `min_n` participants;
//! - within a distribution, a count below `min_n` is hidden, and when exactly one is, the next
//!   smallest non-zero count is hidden too, so no hidden count follows from the total.

#[cfg(feature = "ssr")]
pub mod repo;

pub mod api;
pub mod ui;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The longest question, help or option text.
pub const MAX_TEXT_CHARS: usize = 500;
/// The longest free-text answer a participant may give.
pub const MAX_ANSWER_CHARS: usize = 2000;
/// The most codes made in one batch.
pub const MAX_CODES: usize = 500;

/// Why questions cannot change any more (a wave has answers).
pub const FIXED_MESSAGE: &str = "Frågorna kan inte ändras när ett utskick har fått svar: då skulle svaren inte längre gå att jämföra. Skapa en ny enkät om frågorna behöver ändras.";

/// Frågetyp: what kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionKind {
    /// Likert 1–5 with labels at both ends.
    Likert,
    /// Enval: one of several choices.
    Single,
    /// Flerval: any number of choices.
    Multiple,
    /// Tal: a number within a range.
    Number,
    /// Ja/nej.
    YesNo,
    /// Fritext.
    FreeText,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 6] = [
        QuestionKind::Likert,
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::Number,
        QuestionKind::YesNo,
        QuestionKind::FreeText,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            QuestionKind::Likert => "likert",
            QuestionKind::Single => "enval",
            QuestionKind::Multiple => "flerval",
            QuestionKind::Number => "tal",
            QuestionKind::YesNo => "janej",
            QuestionKind::FreeText => "fritext",
        }
    }

    pub fn from_db(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_db() == raw)
    }

    /// The Swedish name shown in the builder.
    pub fn label(self) -> &'static str {
        match self {
            QuestionKind::Likert => "Skala 1–5",
            QuestionKind::Single => "Ett val",
            QuestionKind::Multiple => "Flera val",
            QuestionKind::Number => "Tal",
            QuestionKind::YesNo => "Ja eller nej",
            QuestionKind::FreeText => "Fritext",
        }
    }
}

/// Sammanvägning: how a question's answers become one effektmått value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Aggregation {
    /// Medelvärde of the numbers.
    Mean,
    /// Andel (%) of the answers at least the threshold.
    ShareAtLeast(f64),
    /// Andel (%) ja.
    ShareYes,
    /// Antal svar.
    Count,
}

impl Aggregation {
    pub fn as_db(self) -> &'static str {
        match self {
            Aggregation::Mean => "medel",
            Aggregation::ShareAtLeast(_) => "andel_minst",
            Aggregation::ShareYes => "andel_ja",
            Aggregation::Count => "antal",
        }
    }

    pub fn threshold(self) -> Option<f64> {
        match self {
            Aggregation::ShareAtLeast(t) => Some(t),
            _ => None,
        }
    }

    pub fn from_db(raw: &str, threshold: Option<f64>) -> Option<Self> {
        Some(match raw {
            "medel" => Aggregation::Mean,
            "andel_minst" => Aggregation::ShareAtLeast(threshold?),
            "andel_ja" => Aggregation::ShareYes,
            "antal" => Aggregation::Count,
            _ => return None,
        })
    }

    /// "Medelvärde", "Andel ≥ 4 (%)", …
    pub fn label(self) -> String {
        match self {
            Aggregation::Mean => "Medelvärde".into(),
            Aggregation::ShareAtLeast(t) => {
                format!("Andel ≥ {} (%)", crate::sv::number::format_decimal(t))
            }
            Aggregation::ShareYes => "Andel ja (%)".into(),
            Aggregation::Count => "Antal svar".into(),
        }
    }

    /// Whether this rule fits questions of `kind`.
    pub fn fits(self, kind: QuestionKind) -> bool {
        match self {
            Aggregation::Mean | Aggregation::ShareAtLeast(_) => {
                matches!(kind, QuestionKind::Likert | QuestionKind::Number)
            }
            Aggregation::ShareYes => kind == QuestionKind::YesNo,
            Aggregation::Count => true,
        }
    }
}

/// Fråga: one question of a survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: i64,
    pub position: i64,
    pub kind: QuestionKind,
    pub text: String,
    pub help: String,
    pub required: bool,
    /// Likert: the words at 1 and at 5.
    pub low_label: String,
    pub high_label: String,
    /// Tal: the allowed range.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Enval/flerval: the choices; an answer is the choice's number, 1-based.
    pub options: Vec<String>,
    /// The effektmått fed, with the rule.
    pub measure_id: Option<i64>,
    pub aggregation: Option<Aggregation>,
}

impl Question {
    /// The form field of a one-value answer: `svar[q12]`.
    pub fn field(&self) -> String {
        format!("svar[q{}]", self.id)
    }

    /// The form field of a flerval choice: `flera[q12][o3]`.
    pub fn choice_field(&self, choice: usize) -> String {
        format!("flera[q{}][o{choice}]", self.id)
    }

    /// The answer choices as (stored number, label): Likert 1–5, ja = 1 / nej = 0, or the
    /// options by number.
    pub fn choices(&self) -> Vec<(i64, String)> {
        match self.kind {
            QuestionKind::Likert => (1..=5)
                .map(|step| {
                    let label = match step {
                        1 if !self.low_label.is_empty() => format!("1 – {}", self.low_label),
                        5 if !self.high_label.is_empty() => format!("5 – {}", self.high_label),
                        n => n.to_string(),
                    };
                    (step, label)
                })
                .collect(),
            QuestionKind::YesNo => vec![(1, "Ja".into()), (0, "Nej".into())],
            QuestionKind::Single | QuestionKind::Multiple => self
                .options
                .iter()
                .enumerate()
                .map(|(i, label)| (i as i64 + 1, label.clone()))
                .collect(),
            QuestionKind::Number | QuestionKind::FreeText => Vec::new(),
        }
    }
}

/// Enkät: a satsning's survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    pub id: i64,
    pub initiative_id: i64,
    pub title: String,
    pub intro: String,
}

/// Utskick: one round of a survey ("Före", "Efter"), open between two dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wave {
    pub id: i64,
    pub survey_id: i64,
    pub name: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
}

/// Whether a wave takes answers on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaveState {
    NotOpen,
    Open,
    Closed,
}

impl Wave {
    pub fn state(&self, today: NaiveDate) -> WaveState {
        if today < self.opens_on {
            WaveState::NotOpen
        } else if today > self.closes_on {
            WaveState::Closed
        } else {
            WaveState::Open
        }
    }

    /// The month whose effektmått value the wave's answers give: the month it closes.
    pub fn period(&self) -> crate::report::Period {
        crate::report::Period::of(self.closes_on)
    }

    /// The calm message a participant gets when the wave takes no answers today.
    pub fn closed_message(&self, today: NaiveDate) -> Option<String> {
        use crate::sv::date::long_date;
        match self.state(today) {
            WaveState::Open => None,
            WaveState::NotOpen => Some(format!(
                "Enkäten öppnar {}. Välkommen tillbaka då.",
                long_date(self.opens_on)
            )),
            WaveState::Closed => Some(format!(
                "Enkäten stängde {}. Det går inte längre att svara. Tack för att du ville hjälpa till.",
                long_date(self.closes_on)
            )),
        }
    }
}

/// Gränser för små tal: the fewest answers a result may rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Numbers and choices (default 5).
    pub min_n: u64,
    /// Free text (default 10).
    pub min_n_text: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            min_n: 5,
            min_n_text: 10,
        }
    }
}

/// The thresholds in force (from the configuration; the defaults in tests and the browser).
pub fn thresholds() -> Thresholds {
    leptos::prelude::use_context::<Thresholds>().unwrap_or_default()
}

/// How many of `n` responses results may use: `n` rounded down to a multiple of `step`. Results
/// therefore change only when `step` more answers have come in.
pub fn released(n: u64, step: u64) -> u64 {
    let step = step.max(1);
    n - n % step
}

/// A distribution's counts as they may be shown: `None` for a hidden count. A count from 1 to
/// `min - 1` is hidden (primary suppression); when exactly one count is hidden the smallest
/// other non-zero count is hidden too (secondary), so the hidden ones cannot be derived from
/// the total; when that is impossible, the whole distribution is hidden (`None`).
pub fn suppress_counts(counts: &[u64], min: u64) -> Option<Vec<Option<u64>>> {
    let mut shown: Vec<Option<u64>> = counts
        .iter()
        .map(|&c| (c == 0 || c >= min).then_some(c))
        .collect();
    let hidden = shown.iter().filter(|c| c.is_none()).count();
    if hidden == 1 {
        let partner = shown
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.filter(|&c| c > 0).map(|c| (c, i)))
            .min();
        match partner {
            Some((_, i)) => shown[i] = None,
            None => return None,
        }
    }
    Some(shown)
}

/// A question's answers in one wave, as results may show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    /// Too few answers: nothing is shown. Carries the threshold for the message.
    Suppressed { min: u64 },
    /// Counts per choice (label, count or hidden), the mean for numbers, and n.
    Shown {
        n: u64,
        counts: Vec<(String, Option<u64>)>,
        mean: Option<f64>,
    },
    /// Free text answers, sorted (never in the order they came).
    Texts { n: u64, texts: Vec<String> },
}

impl Cell {
    /// "Döljs: färre än 5 svar." or `None` when shown.
    pub fn suppressed_reason(&self) -> Option<String> {
        match self {
            Cell::Suppressed { min } => Some(format!(
                "Döljs: färre än {min} svar, så att ingen enskild deltagare kan pekas ut."
            )),
            _ => None,
        }
    }
}

/// One answer as stored: a number or a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub question_id: i64,
    pub number: Option<f64>,
    pub text: Option<String>,
}

/// The result cell of `question` from the answers of the released responses: per response
/// one entry (its answers to this question; empty when skipped).
pub fn cell(question: &Question, answers: &[Vec<Answer>], limits: Thresholds) -> Cell {
    let answered: Vec<&Vec<Answer>> = answers.iter().filter(|a| !a.is_empty()).collect();
    let n = answered.len() as u64;
    if question.kind == QuestionKind::FreeText {
        if n < limits.min_n_text {
            return Cell::Suppressed {
                min: limits.min_n_text,
            };
        }
        let mut texts: Vec<String> = answered
            .iter()
            .flat_map(|a| a.iter().filter_map(|x| x.text.clone()))
            .collect();
        texts.sort();
        return Cell::Texts { n, texts };
    }
    if n < limits.min_n {
        return Cell::Suppressed { min: limits.min_n };
    }
    let choices = question.choices();
    let counts: Vec<u64> = choices
        .iter()
        .map(|(value, _)| {
            answered
                .iter()
                .filter(|a| a.iter().any(|x| x.number == Some(*value as f64)))
                .count() as u64
        })
        .collect();
    let Some(shown) = suppress_counts(&counts, limits.min_n) else {
        return Cell::Suppressed { min: limits.min_n };
    };
    let numbers: Vec<f64> = answered
        .iter()
        .flat_map(|a| a.iter().filter_map(|x| x.number))
        .collect();
    let mean = matches!(question.kind, QuestionKind::Likert | QuestionKind::Number)
        .then(|| aggregate(Aggregation::Mean, &numbers))
        .flatten();
    Cell::Shown {
        n,
        counts: choices
            .into_iter()
            .map(|(_, label)| label)
            .zip(shown)
            .collect(),
        mean,
    }
}

/// One effektmått value from a question's numbers (one per answer; ja = 1, nej = 0): `None`
/// when there is nothing to aggregate. Shares are percentages.
pub fn aggregate(rule: Aggregation, numbers: &[f64]) -> Option<f64> {
    let n = numbers.len() as f64;
    if numbers.is_empty() {
        return (rule == Aggregation::Count).then_some(0.0);
    }
    let share =
        |hit: &dyn Fn(f64) -> bool| numbers.iter().filter(|&&x| hit(x)).count() as f64 * 100.0 / n;
    Some(match rule {
        Aggregation::Mean => numbers.iter().sum::<f64>() / n,
        Aggregation::ShareAtLeast(t) => share(&|x| x >= t),
        Aggregation::ShareYes => share(&|x| x == 1.0),
        Aggregation::Count => n,
    })
}

/// What a transfer to the effektmått does for one question: the value, or why none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Transfer {
    Value { value: f64, n: u64 },
    Withheld { n: u64, reason: String },
}

/// The value `question` gives its effektmått from the released responses' numbers (one
/// entry per response that answered), or why it gives none.
pub fn transfer(rule: Aggregation, numbers: &[f64], limits: Thresholds) -> Transfer {
    let n = numbers.len() as u64;
    if n < limits.min_n {
        return Transfer::Withheld {
            n,
            reason: format!(
                "Inget värde: färre än {} svar, så resultatet döljs.",
                limits.min_n
            ),
        };
    }
    match aggregate(rule, numbers) {
        Some(value) => Transfer::Value { value, n },
        None => Transfer::Withheld {
            n,
            reason: "Inget värde: inga svar att räkna på.".into(),
        },
    }
}

/// The builder's form for a new survey.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyForm {
    pub title: String,
    #[serde(default)]
    pub intro: String,
}

impl SurveyForm {
    /// The title and intro, trimmed and checked.
    pub fn parse(&self) -> Result<(String, String), crate::error::AppError> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.push(err("survey[title]", "Ange enkätens namn."));
        }
        if title.chars().count() > 200 {
            errors.push(err("survey[title]", "Namnet får vara högst 200 tecken."));
        }
        if self.intro.chars().count() > MAX_ANSWER_CHARS {
            errors.push(err(
                "survey[intro]",
                "Inledningen får vara högst 2000 tecken.",
            ));
        }
        if errors.is_empty() {
            Ok((title.to_string(), self.intro.trim().to_string()))
        } else {
            Err(crate::error::AppError::Validation(errors))
        }
    }
}

fn err(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// The builder's form for a question (field names in English, labels in Swedish).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionForm {
    pub kind: String,
    pub text: String,
    #[serde(default)]
    pub help: String,
    #[serde(default, with = "crate::form::checkbox")]
    pub required: bool,
    #[serde(default)]
    pub low_label: String,
    #[serde(default)]
    pub high_label: String,
    #[serde(default)]
    pub min: String,
    #[serde(default)]
    pub max: String,
    /// One choice per line.
    #[serde(default)]
    pub options: String,
    /// The effektmått's id, or empty.
    #[serde(default)]
    pub measure: String,
    /// "medel", "andel_minst", "andel_ja", "antal", or empty.
    #[serde(default)]
    pub aggregation: String,
    #[serde(default)]
    pub threshold: String,
}

/// A question as the builder checked it, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionInput {
    pub kind: QuestionKind,
    pub text: String,
    pub help: String,
    pub required: bool,
    pub low_label: String,
    pub high_label: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub options: Vec<String>,
    pub measure_id: Option<i64>,
    pub aggregation: Option<Aggregation>,
}

impl QuestionForm {
    /// Checks the form; `effect_measures` are the ids of the satsning's effektmått.
    pub fn parse(&self, effect_measures: &[i64]) -> Result<QuestionInput, crate::error::AppError> {
        use crate::sv::number::parse_decimal;
        let f = |name: &str| format!("question[{name}]");
        let mut errors = Vec::new();
        let kind = QuestionKind::from_db(&self.kind);
        if kind.is_none() {
            errors.push(err(&f("kind"), "Välj frågetyp."));
        }
        let text = self.text.trim().to_string();
        if text.is_empty() {
            errors.push(err(&f("text"), "Skriv frågan."));
        }
        for (name, value) in [
            ("text", &self.text),
            ("help", &self.help),
            ("low_label", &self.low_label),
            ("high_label", &self.high_label),
        ] {
            if value.chars().count() > MAX_TEXT_CHARS {
                errors.push(err(
                    &f(name),
                    &format!("Texten får vara högst {MAX_TEXT_CHARS} tecken."),
                ));
            }
        }
        let number = |name: &str, raw: &str, errors: &mut Vec<FieldError>| match parse_decimal(raw)
        {
            Ok(v) => v,
            Err(_) => {
                errors.push(err(&f(name), crate::sv::number::number_message(raw)));
                None
            }
        };
        let (mut min, mut max) = (None, None);
        let mut options = Vec::new();
        match kind {
            Some(QuestionKind::Number) => {
                min = number("min", &self.min, &mut errors);
                max = number("max", &self.max, &mut errors);
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    errors.push(err(
                        &f("max"),
                        "Största värdet måste vara minst det minsta.",
                    ));
                }
            }
            Some(QuestionKind::Single | QuestionKind::Multiple) => {
                options = self
                    .options
                    .lines()
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(str::to_string)
                    .collect();
                if options.len() < 2 {
                    errors.push(err(
                        &f("options"),
                        "Skriv minst två svarsalternativ, ett per rad.",
                    ));
                }
                if options.len() > 20 {
                    errors.push(err(&f("options"), "Högst 20 svarsalternativ."));
                }
                if options.iter().any(|o| o.chars().count() > MAX_TEXT_CHARS) {
                    errors.push(err(&f("options"), "Ett svarsalternativ är för långt."));
                }
            }
            _ => {}
        }
        let measure_id = match self.measure.trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(id) if effect_measures.contains(&id) => Some(id),
                _ => {
                    errors.push(err(
                        &f("measure"),
                        "Välj ett effektmått i satsningens schema.",
                    ));
                    None
                }
            },
        };
        let threshold = number("threshold", &self.threshold, &mut errors);
        let aggregation = match self.aggregation.trim() {
            "" => None,
            "andel_minst" if threshold.is_none() => {
                errors.push(err(
                    &f("threshold"),
                    "Ange gränsen för andelen (till exempel 4).",
                ));
                None
            }
            raw => match Aggregation::from_db(raw, threshold) {
                Some(rule) => Some(rule),
                None => {
                    errors.push(err(&f("aggregation"), "Välj hur svaren räknas ihop."));
                    None
                }
            },
        };
        if let (Some(rule), Some(kind)) = (aggregation, kind)
            && !rule.fits(kind)
        {
            errors.push(err(
                &f("aggregation"),
                &format!(
                    "{} går inte att räkna för frågetypen {}.",
                    rule.label(),
                    kind.label().to_lowercase()
                ),
            ));
        }
        if measure_id.is_some() != aggregation.is_some() {
            errors.push(err(
                &f("aggregation"),
                "Välj både effektmått och sammanvägning, eller ingetdera.",
            ));
        }
        if kind == Some(QuestionKind::FreeText) && measure_id.is_some() {
            errors.push(err(
                &f("measure"),
                "Fritextsvar kan inte föras över till ett effektmått.",
            ));
        }
        match (kind, errors.is_empty()) {
            (Some(kind), true) => Ok(QuestionInput {
                kind,
                text,
                help: self.help.trim().to_string(),
                required: self.required,
                low_label: self.low_label.trim().to_string(),
                high_label: self.high_label.trim().to_string(),
                min,
                max,
                options,
                measure_id,
                aggregation,
            }),
            _ => Err(crate::error::AppError::Validation(errors)),
        }
    }
}

/// The builder's form for a wave.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WaveForm {
    pub name: String,
    pub opens_on: String,
    pub closes_on: String,
}

impl WaveForm {
    pub fn parse(&self) -> Result<(String, NaiveDate, NaiveDate), crate::error::AppError> {
        use crate::sv::number::parse_date;
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(err(
                "wave[name]",
                "Ge utskicket ett namn, till exempel Före eller Efter (högst 100 tecken).",
            ));
        }
        let opens = parse_date(&self.opens_on);
        if opens.is_none() {
            errors.push(err("wave[opens_on]", "Ange datum som ÅÅÅÅ-MM-DD."));
        }
        let closes = parse_date(&self.closes_on);
        if closes.is_none() {
            errors.push(err("wave[closes_on]", "Ange datum som ÅÅÅÅ-MM-DD."));
        }
        if let (Some(o), Some(c)) = (opens, closes)
            && c < o
        {
            errors.push(err(
                "wave[closes_on]",
                "Utskicket kan inte stänga före det öppnar.",
            ));
        }
        match (opens, closes, errors.is_empty()) {
            (Some(o), Some(c), true) => Ok((name, o, c)),
            _ => Err(crate::error::AppError::Validation(errors)),
        }
    }
}

/// Reads a participant's answers from the posted fields — one-value answers `svar[q<id>]`,
/// flerval choices `flera[q<id>][o<n>]` — against the questions. All or nothing: every
/// problem is reported per question, in plain Swedish, and no answer is returned then.
pub fn read_answers(
    questions: &[Question],
    single: &BTreeMap<String, String>,
    multiple: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<Answer>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut answers = Vec::new();
    let known: Vec<String> = questions.iter().map(|q| format!("q{}", q.id)).collect();
    if single
        .keys()
        .chain(multiple.keys())
        .any(|k| !known.contains(k))
    {
        errors.push(err(
            "svar",
            "Formuläret innehöll svar på frågor som inte finns i enkäten. Ladda om sidan och försök igen.",
        ));
    }
    for q in questions {
        let key = format!("q{}", q.id);
        let raw = single.get(&key).map(|s| s.trim()).unwrap_or("");
        let field = q.field();
        let before = answers.len();
        let mut one = |number: Option<f64>, text: Option<String>| {
            answers.push(Answer {
                question_id: q.id,
                number,
                text,
            })
        };
        match q.kind {
            QuestionKind::Likert | QuestionKind::Single | QuestionKind::YesNo
                if !raw.is_empty() =>
            {
                match raw.parse::<i64>() {
                    Ok(v) if q.choices().iter().any(|(c, _)| *c == v) => one(Some(v as f64), None),
                    _ => errors.push(err(&field, "Välj ett av svarsalternativen.")),
                }
            }
            QuestionKind::Number if !raw.is_empty() => {
                match crate::sv::number::parse_decimal(raw) {
                    Ok(Some(v)) => {
                        let low = q.min.is_some_and(|m| v < m);
                        let high = q.max.is_some_and(|m| v > m);
                        if low || high {
                            errors.push(err(&field, &range_message(q)));
                        } else {
                            one(Some(v), None);
                        }
                    }
                    _ => errors.push(err(&field, "Skriv ett tal, till exempel 12.")),
                }
            }
            QuestionKind::FreeText if !raw.is_empty() => {
                if raw.chars().count() > MAX_ANSWER_CHARS {
                    errors.push(err(
                        &field,
                        &format!(
                            "Svaret får vara högst {MAX_ANSWER_CHARS} tecken. Korta det lite."
                        ),
                    ));
                } else {
                    one(None, Some(raw.to_string()));
                }
            }
            QuestionKind::Multiple => {
                let ticked = multiple.get(&key).cloned().unwrap_or_default();
                let mut numbers = Vec::new();
                for choice in ticked.keys() {
                    match choice
                        .strip_prefix('o')
                        .and_then(|n| n.parse::<usize>().ok())
                    {
                        Some(n) if (1..=q.options.len()).contains(&n) => numbers.push(n),
                        _ => {
                            errors.push(err(&field, "Välj bland svarsalternativen."));
                            numbers.clear();
                            break;
                        }
                    }
                }
                for n in numbers {
                    one(Some(n as f64), None);
                }
                if !raw.is_empty() {
                    errors.push(err(&field, "Välj bland svarsalternativen."));
                }
            }
            _ => {}
        }
        if q.required && answers.len() == before && !errors.iter().any(|e| e.field == field) {
            errors.push(err(&field, "Frågan behöver ett svar."));
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// "Svara med ett tal från 0 till 120."
pub fn range_message(q: &Question) -> String {
    use crate::sv::number::format_decimal;
    match (q.min, q.max) {
        (Some(lo), Some(hi)) => format!(
            "Svara med ett tal från {} till {}.",
            format_decimal(lo),
            format_decimal(hi)
        ),
        (Some(lo), None) => format!("Svara med ett tal som är minst {}.", format_decimal(lo)),
        (None, Some(hi)) => format!("Svara med ett tal som är högst {}.", format_decimal(hi)),
        (None, None) => "Skriv ett tal.".into(),
    }
}

/// Normalises what a participant typed or the link carried: letters in upper case, spaces
/// and dashes dropped (codes are printed as `ABCD-EFGH`).
pub fn normalise_token(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The letters of tokens and codes: no 0/O or 1/I to confuse on paper (32 symbols, 5 bits).
pub const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// `ABCDEFGH` printed as `ABCD-EFGH`.
pub fn printed_code(code: &str) -> String {
    let mut out = String::new();
    for (i, c) in code.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// A new random token of `len` symbols: 26 for a link (130 bits), 8 for a code (40 bits; a
/// code is single-use, rate-limited and expires with its wave).
#[cfg(feature = "ssr")]
pub fn new_token(len: usize) -> String {
    use rand::Rng as _;
    let mut rng = rand::rng();
    (0..len)
        .map(|_| TOKEN_ALPHABET[rng.random_range(0..32)] as char)
        .collect()
}

/// The stored form of a token: hex SHA-256 of its normalised text.
#[cfg(feature = "ssr")]
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(normalise_token(token).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `path` as it may be logged: a participant's token or code in `/enkat/{token}` is never
/// written to a log (it would tie an access-log line to a code, and a code to its answers).
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/enkat/") {
        Some(rest) if !rest.is_empty() && rest != "tack" => "/enkat/…".into(),
        _ => path.into(),
    }
}

/// Who may build a satsning's surveys: admin, utvärderare and its own projektledare.
pub fn may_build(
    user: &crate::auth::CurrentUser,
    initiative: &crate::initiative::Initiative,
) -> bool {
    use crate::auth::Role;
    user.has_any(&[Role::Admin, Role::Evaluator]) || initiative.is_led_by(user.id)
}

#[cfg(test)]
mod tests;
