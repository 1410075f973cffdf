//! Enkäter: participant surveys of a satsning, their questions and waves (utskick), the
//! checks of a participant's answers, the aggregation of answers into an effektmått value, and
//! small-cell suppression. Everything but `repo.rs` (SQL), `api.rs` and `ui.rs` is pure: the
//! types here, the builder's forms in `forms.rs`, the participant's answers in `answers.rs`,
//! aggregation and suppression in `results.rs`.
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
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod panel;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod writer;

mod answers;
pub mod api;
mod forms;
pub mod lang;
mod results;
pub mod translation_ui;
pub mod ui;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use answers::{range_message, read_answers, read_answers_in};
pub use forms::{
    QuestionForm, QuestionInput, QuestionTranslationForm, SurveyForm, TranslationForm, WaveForm,
};
pub use lang::{Lang, QuestionTexts, SurveyTexts, Translation};
pub use results::{
    Cell, FeedValue, PanelCell, Thresholds, Transfer, aggregate, cell, feed_value, panel_change,
    released, suppress_counts, thresholds, transfer,
};

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
    /// English and Arabic texts (empty = the Swedish).
    #[serde(default)]
    pub en: QuestionTexts,
    #[serde(default)]
    pub ar: QuestionTexts,
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
        self.choices_in(Lang::Sv)
    }

    /// The translation into `lang` (`None` for Swedish, the question's own language).
    pub fn texts(&self, lang: Lang) -> Option<&QuestionTexts> {
        match lang {
            Lang::Sv => None,
            Lang::En => Some(&self.en),
            Lang::Ar => Some(&self.ar),
        }
    }

    /// The question as a participant reads it in `lang`: each translated text, or the Swedish
    /// one where the translation is empty. Options keep their numbers.
    pub fn in_lang(&self, lang: Lang) -> Question {
        let mut q = self.clone();
        if let Some(t) = self.texts(lang) {
            q.text = lang::or_swedish(&t.text, &self.text);
            q.help = lang::or_swedish(&t.help, &self.help);
            q.low_label = lang::or_swedish(&t.low_label, &self.low_label);
            q.high_label = lang::or_swedish(&t.high_label, &self.high_label);
            q.options = self
                .options
                .iter()
                .enumerate()
                .map(|(i, sv)| lang::or_swedish(t.options.get(i).map_or("", String::as_str), sv))
                .collect();
        }
        q
    }

    /// [`Question::choices`] with ja/nej in `lang` (the labels as the question has them).
    pub fn choices_in(&self, lang: Lang) -> Vec<(i64, String)> {
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
            QuestionKind::YesNo => {
                let words = lang.words();
                vec![(1, words.yes.into()), (0, words.no.into())]
            }
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
    /// English and Arabic title and intro (empty = the Swedish).
    #[serde(default)]
    pub en: SurveyTexts,
    #[serde(default)]
    pub ar: SurveyTexts,
    /// Panelläge: each participant keeps one personal code for every wave (see `panel`).
    #[serde(default)]
    pub panel: bool,
}

impl Survey {
    /// The title and intro as a participant reads them in `lang`.
    pub fn in_lang(&self, lang: Lang) -> Survey {
        let mut s = self.clone();
        let t = match lang {
            Lang::Sv => return s,
            Lang::En => &self.en,
            Lang::Ar => &self.ar,
        };
        s.title = lang::or_swedish(&t.title, &self.title);
        s.intro = lang::or_swedish(&t.intro, &self.intro);
        s
    }

    /// The languages a participant can choose: Swedish, and each with a translated title.
    pub fn languages(&self) -> Vec<Lang> {
        Lang::ALL
            .into_iter()
            .filter(|l| match l {
                Lang::Sv => true,
                Lang::En => !self.en.title.trim().is_empty(),
                Lang::Ar => !self.ar.title.trim().is_empty(),
            })
            .collect()
    }
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

    /// Whether a transfer made at `at` came after the wave closed (its last day had passed in
    /// Sweden): then the automatic transfer at close has nothing left to do.
    #[cfg(feature = "ssr")]
    pub fn transferred_after_close(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        crate::sv::time::local_date(at) > self.closes_on
    }

    /// The calm message a participant gets when the wave takes no answers today.
    pub fn closed_message(&self, today: NaiveDate) -> Option<String> {
        self.closed_message_in(today, Lang::Sv)
    }

    /// [`Wave::closed_message`] in `lang`.
    pub fn closed_message_in(&self, today: NaiveDate, lang: Lang) -> Option<String> {
        match self.state(today) {
            WaveState::Open => None,
            WaveState::NotOpen => Some(lang::opens_message(lang, self.opens_on)),
            WaveState::Closed => Some(lang::closed_message(lang, self.closes_on)),
        }
    }
}

/// A code wave's response rate is low: codes were made and fewer than `percent` per cent of
/// them are used. Only code waves have a rate (an open link has no number of invitations).
pub fn low_response(codes: i64, used: i64, percent: u32) -> bool {
    codes > 0 && used * 100 < codes * i64::from(percent)
}

/// One answer as stored: a number or a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub question_id: i64,
    pub number: Option<f64>,
    pub text: Option<String>,
}

fn err(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
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

/// The message when the server has no panel secret.
pub const PANEL_NO_KEY: &str = "Panelläget är inte påslaget på den här servern: den saknar en panelnyckel (UTFALL_SURVEY_PANEL_SECRET). Kontakta den som driver Utfall.";

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
