//! Results of a survey, pure: aggregation into one effektmått value and small-cell
//! suppression (see the rules at the top of `survey/mod.rs`).

use serde::{Deserialize, Serialize};

use super::{Aggregation, Answer, Question, QuestionKind};

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

/// Enkätvärde: what one wave gives an effektmått, as the satsning page shows it beside the
/// measure: the transfer's value with its n, or hidden with the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FeedValue {
    Shown { n: u64, value: f64 },
    Hidden { min: u64 },
}

/// The value one wave's released answers give an effektmått beside it: shown only when the
/// results page shows the question's cell (`cell`) AND the transfer has a value (`transfer`),
/// both computed by the functions the results page and the transfer use; else hidden. No
/// number of a hidden cell goes into the result, not even its n.
pub fn feed_value(cell: &Cell, transfer: &Transfer, limits: Thresholds) -> FeedValue {
    match (cell, transfer) {
        (Cell::Suppressed { min }, _) => FeedValue::Hidden { min: *min },
        (_, Transfer::Withheld { .. }) => FeedValue::Hidden { min: limits.min_n },
        (_, Transfer::Value { value, n }) => FeedValue::Shown {
            n: *n,
            value: *value,
        },
    }
}

/// Förändring per person in a panel survey, for one question between two waves: the
/// participants who answered it in both (paired by pseudonym), their mean before and after and
/// the mean of their own changes; hidden when fewer than `min` pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PanelCell {
    Suppressed {
        min: u64,
    },
    Shown {
        n: u64,
        before: f64,
        after: f64,
        change: f64,
        /// How many answered higher, the same and lower the second time, suppressed as every
        /// distribution ([`suppress_counts`]); `None` when the whole split is hidden.
        split: Option<Vec<Option<u64>>>,
    },
}

/// The panel cell of one question from its answers in the earlier and the later wave,
/// (pseudonym, number) in response order (each wave's released prefix). The pairs are taken in
/// the later wave's order and released in steps of `min` like every count, so one more pair
/// never shows as a difference between two views.
pub fn panel_change(before: &[(String, f64)], after: &[(String, f64)], min: u64) -> PanelCell {
    let earlier: std::collections::HashMap<&str, f64> =
        before.iter().map(|(p, v)| (p.as_str(), *v)).collect();
    let pairs: Vec<(f64, f64)> = after
        .iter()
        .filter_map(|(p, v)| earlier.get(p.as_str()).map(|b| (*b, *v)))
        .collect();
    let n = released(pairs.len() as u64, min);
    if n < min.max(1) {
        return PanelCell::Suppressed { min };
    }
    let used = &pairs[..n as usize];
    let mean = |f: &dyn Fn(&(f64, f64)) -> f64| used.iter().map(f).sum::<f64>() / n as f64;
    let count = |hit: &dyn Fn(f64) -> bool| used.iter().filter(|p| hit(p.1 - p.0)).count() as u64;
    let split = [
        count(&|d| d > 1e-9),
        count(&|d| d.abs() <= 1e-9),
        count(&|d| d < -1e-9),
    ];
    PanelCell::Shown {
        n,
        before: mean(&|p| p.0),
        after: mean(&|p| p.1),
        change: mean(&|p| p.1 - p.0),
        split: suppress_counts(&split, min),
    }
}
