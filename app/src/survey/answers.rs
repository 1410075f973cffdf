//! A participant's posted answers, read and checked against the questions.

use std::collections::BTreeMap;

use super::{Answer, Lang, MAX_ANSWER_CHARS, Question, QuestionKind, err, lang};
use crate::error::FieldError;

/// Reads a participant's answers from the posted fields — one-value answers `svar[q<id>]`,
/// flerval choices `flera[q<id>][o<n>]` — against the questions. All or nothing: every
/// problem is reported per question, in plain Swedish, and no answer is returned then.
pub fn read_answers(
    questions: &[Question],
    single: &BTreeMap<String, String>,
    multiple: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<Answer>, Vec<FieldError>> {
    read_answers_in(Lang::Sv, questions, single, multiple)
}

/// [`read_answers`] with the messages in the participant's language `lang`. The answers are
/// the same in every language (choices are stored by number).
pub fn read_answers_in(
    lang: Lang,
    questions: &[Question],
    single: &BTreeMap<String, String>,
    multiple: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<Answer>, Vec<FieldError>> {
    let words = lang.words();
    let mut errors = Vec::new();
    let mut answers = Vec::new();
    let known: Vec<String> = questions.iter().map(|q| format!("q{}", q.id)).collect();
    if single
        .keys()
        .chain(multiple.keys())
        .any(|k| !known.contains(k))
    {
        errors.push(err("svar", words.unknown_questions));
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
                    _ => errors.push(err(&field, words.choose_one)),
                }
            }
            QuestionKind::Number if !raw.is_empty() => {
                match crate::sv::number::parse_decimal(raw) {
                    Ok(Some(v)) => {
                        let low = q.min.is_some_and(|m| v < m);
                        let high = q.max.is_some_and(|m| v > m);
                        if low || high {
                            errors.push(err(&field, &lang::range_message(lang, q.min, q.max)));
                        } else {
                            one(Some(v), None);
                        }
                    }
                    _ => errors.push(err(&field, words.write_number)),
                }
            }
            QuestionKind::FreeText if !raw.is_empty() => {
                if raw.chars().count() > MAX_ANSWER_CHARS {
                    errors.push(err(&field, &lang::too_long_message(lang, MAX_ANSWER_CHARS)));
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
                            errors.push(err(&field, words.choose_among));
                            numbers.clear();
                            break;
                        }
                    }
                }
                for n in numbers {
                    one(Some(n as f64), None);
                }
                if !raw.is_empty() {
                    errors.push(err(&field, words.choose_among));
                }
            }
            _ => {}
        }
        if q.required && answers.len() == before && !errors.iter().any(|e| e.field == field) {
            errors.push(err(&field, words.needs_answer));
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
    lang::range_message(Lang::Sv, q.min, q.max)
}
