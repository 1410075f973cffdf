//! The builder's forms (survey, question, wave) and their checks, field by field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    Aggregation, Lang, MAX_ANSWER_CHARS, MAX_TEXT_CHARS, Question, QuestionKind, QuestionTexts,
    SurveyTexts, Translation, err,
};
use crate::error::FieldError;

/// The builder's form for a new survey.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyForm {
    pub title: String,
    #[serde(default)]
    pub intro: String,
    /// Panelläge (a checkbox: present when ticked).
    #[serde(default)]
    pub panel: Option<String>,
}

impl SurveyForm {
    /// Whether the panel box was ticked.
    pub fn wants_panel(&self) -> bool {
        self.panel.as_deref().is_some_and(|v| !v.is_empty())
    }

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

/// One question's part of the translation form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionTranslationForm {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub low_label: String,
    #[serde(default)]
    pub high_label: String,
    /// One option per line, in the Swedish order.
    #[serde(default)]
    pub options: String,
}

/// The builder's translation form for one language: `translation[title]`,
/// `translation[intro]` and per question `translation[questions][q12][text]`, … Every text is
/// optional: an empty one shows the Swedish.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TranslationForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub questions: std::collections::BTreeMap<String, QuestionTranslationForm>,
}

impl TranslationForm {
    /// The form field of a question's text: `translation[questions][q12][text]`.
    pub fn field(question_id: i64, part: &str) -> String {
        format!("translation[questions][q{question_id}][{part}]")
    }

    /// The translation into `lang` of a survey with `questions`, trimmed and checked: each
    /// text at most [`MAX_TEXT_CHARS`], options either none or as many as in Swedish.
    pub fn parse(
        &self,
        lang: Lang,
        questions: &[Question],
    ) -> Result<Translation, crate::error::AppError> {
        fn checked(errors: &mut Vec<FieldError>, field: &str, text: &str, max: usize) -> String {
            let text = text.trim().to_string();
            if text.chars().count() > max {
                errors.push(err(field, &format!("Skriv högst {max} tecken.")));
            }
            text
        }
        let mut errors = Vec::new();
        let survey = SurveyTexts {
            title: checked(&mut errors, "translation[title]", &self.title, 200),
            intro: checked(
                &mut errors,
                "translation[intro]",
                &self.intro,
                MAX_ANSWER_CHARS,
            ),
        };
        let mut translated = Vec::new();
        for q in questions {
            let given = self
                .questions
                .get(&format!("q{}", q.id))
                .cloned()
                .unwrap_or_default();
            let mut texts = QuestionTexts {
                text: checked(
                    &mut errors,
                    &Self::field(q.id, "text"),
                    &given.text,
                    MAX_TEXT_CHARS,
                ),
                help: checked(
                    &mut errors,
                    &Self::field(q.id, "help"),
                    &given.help,
                    MAX_TEXT_CHARS,
                ),
                low_label: checked(
                    &mut errors,
                    &Self::field(q.id, "low_label"),
                    &given.low_label,
                    MAX_TEXT_CHARS,
                ),
                high_label: checked(
                    &mut errors,
                    &Self::field(q.id, "high_label"),
                    &given.high_label,
                    MAX_TEXT_CHARS,
                ),
                options: Vec::new(),
            };
            let field = Self::field(q.id, "options");
            let options: Vec<String> = given
                .options
                .lines()
                .map(|o| checked(&mut errors, &field, o, MAX_TEXT_CHARS))
                .collect();
            let typed = options.iter().filter(|o| !o.is_empty()).count();
            if typed > 0 {
                if options.len() != q.options.len() {
                    errors.push(err(
                        &field,
                        &format!(
                            "Skriv lika många svarsalternativ som på svenska ({}), ett per rad och i samma ordning, eller lämna rutan tom.",
                            q.options.len()
                        ),
                    ));
                }
                texts.options = options;
            }
            translated.push((q.id, texts));
        }
        if errors.is_empty() {
            Ok(Translation {
                lang,
                survey,
                questions: translated,
            })
        } else {
            Err(crate::error::AppError::Validation(errors))
        }
    }
}
