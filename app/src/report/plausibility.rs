//! Rimlighetskontroll: is a reported value far outside the measure's own history? The answer
//! is a warning the reporter confirms ("Spara ändå"), never a refusal: an unusual month can be
//! real (pure; unit-tested).
//!
//! The rule. Take the measure's last [`WINDOW`] reported values before the month. With fewer
//! than [`MIN_HISTORY`] of them nothing is unusual (too little to know what is usual). Otherwise
//! a value is unusual when it lies outside median ± [`K`] × spread, where the spread is the
//! interquartile range (quartiles by linear interpolation, as Excel's KVARTIL.INK) but at least
//! 10 % of the median's size and at least `step`, the smallest difference the measure writes
//! (1 for counts, 0,1 for shares): a flat history must not turn every small change into a
//! warning. With 21–30 as the usual values, 1 234 is unusual, 35 is not.

/// How many of the latest earlier values are looked at.
pub const WINDOW: usize = 12;

/// How many earlier values are needed before anything is called unusual.
pub const MIN_HISTORY: usize = 6;

/// How many spreads from the median a value may lie.
pub const K: f64 = 3.0;

/// What is usual for a measure, from its history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usual {
    /// Values between `low` and `high` (inclusive) are usual.
    pub low: f64,
    pub high: f64,
    /// The smallest and largest of the values looked at, and how many there were: what a
    /// warning shows ("21–30 de senaste 12 gångerna").
    pub min: f64,
    pub max: f64,
    pub count: usize,
}

impl Usual {
    /// What is usual given `history` (oldest first), or `None` when the history is too short.
    pub fn from_history(history: &[f64], step: f64) -> Option<Usual> {
        let recent = &history[history.len().saturating_sub(WINDOW)..];
        if recent.len() < MIN_HISTORY {
            return None;
        }
        let mut sorted = recent.to_vec();
        sorted.sort_by(f64::total_cmp);
        let median = quantile(&sorted, 0.5);
        let iqr = quantile(&sorted, 0.75) - quantile(&sorted, 0.25);
        let spread = iqr.max(median.abs() * 0.1).max(step);
        Some(Usual {
            low: median - K * spread,
            high: median + K * spread,
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            count: sorted.len(),
        })
    }

    pub fn contains(&self, value: f64) -> bool {
        (self.low..=self.high).contains(&value)
    }
}

/// What is usual for the measure when `value` is not, given `history` (oldest first).
pub fn unusual(value: f64, history: &[f64], step: f64) -> Option<Usual> {
    Usual::from_history(history, step).filter(|usual| !usual.contains(value))
}

/// The `q` quantile of `sorted` (non-empty, ascending), interpolating between neighbours.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let (below, above) = (at.floor() as usize, at.ceil() as usize);
    sorted[below] + (sorted[above] - sorted[below]) * (at - below as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 21, 22, …, 30: ten months of sessions.
    fn sessions() -> Vec<f64> {
        (21..=30).map(f64::from).collect()
    }

    #[test]
    fn quartiles_interpolate_like_a_spreadsheet() {
        let sorted = sessions();
        assert_eq!(quantile(&sorted, 0.5), 25.5);
        assert_eq!(quantile(&sorted, 0.25), 23.25);
        assert_eq!(quantile(&sorted, 0.75), 27.75);
        assert_eq!(quantile(&[4.0], 0.75), 4.0);
    }

    #[test]
    fn a_value_far_outside_the_measures_own_history_is_unusual() {
        // Median 25,5, IQR 4,5: usual is 25,5 ± 13,5, that is 12–39.
        let history = sessions();
        let usual = unusual(1234.0, &history, 1.0).expect("1 234 is unusual");
        assert_eq!((usual.low, usual.high), (12.0, 39.0));
        assert_eq!((usual.min, usual.max, usual.count), (21.0, 30.0, 10));
        for fine in [12.0, 14.0, 25.0, 35.0, 39.0] {
            assert_eq!(unusual(fine, &history, 1.0), None, "{fine}");
        }
        for odd in [0.0, 11.0, 40.0, 123.0] {
            assert!(unusual(odd, &history, 1.0).is_some(), "{odd}");
        }
    }

    #[test]
    fn too_short_a_history_says_nothing() {
        let five = [21.0, 22.0, 23.0, 24.0, 25.0];
        assert_eq!(unusual(1234.0, &five, 1.0), None);
        let six = [21.0, 22.0, 23.0, 24.0, 25.0, 26.0];
        assert!(unusual(1234.0, &six, 1.0).is_some());
    }

    #[test]
    fn only_the_latest_values_count() {
        // Two years ago the measure was in the thousands; the last twelve months are not.
        let mut history: Vec<f64> = vec![5000.0; 20];
        history.extend(std::iter::repeat_n(30.0, WINDOW));
        assert!(unusual(5000.0, &history, 1.0).is_some());
        assert_eq!(unusual(31.0, &history, 1.0), None);
    }

    #[test]
    fn a_flat_history_still_allows_small_changes() {
        // Always 30: the IQR is 0, so the spread is 10 % of the median (3): 21–39 is usual.
        let flat = [30.0; 8];
        assert_eq!(unusual(21.0, &flat, 1.0), None);
        assert!(unusual(20.0, &flat, 1.0).is_some());
        // Always 0: the spread is one step of the measure, so 3 is usual and 4 is not.
        let zeros = [0.0; 8];
        assert_eq!(unusual(3.0, &zeros, 1.0), None);
        assert!(unusual(4.0, &zeros, 1.0).is_some());
        // A share that moved by tenths: the step is 0,1.
        let share = [62.5; 8];
        assert!(unusual(6.25, &share, 0.1).is_some(), "a misplaced comma");
        assert_eq!(unusual(60.0, &share, 0.1), None);
    }
}
