//! Statistical process control over a measure's values (pure): the XmR chart's process limits
//! (NHS "Making Data Count": mean ± 2,66 × the average moving range), runs on one side of the
//! centre line, trends, and Anhøj's run-chart rules (longest run and number of crossings
//! around the median). Points exactly on a centre line neither count nor break a run, as both
//! methods define it.

/// Above or below a centre line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
}

impl Side {
    /// "över" / "under".
    pub fn word(self) -> &'static str {
        match self {
            Side::Above => "över",
            Side::Below => "under",
        }
    }
}

/// The XmR chart's centre line and process limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub mean: f64,
    /// Average moving range (mean of |xᵢ − xᵢ₋₁|).
    pub average_moving_range: f64,
    pub lower: f64,
    pub upper: f64,
}

/// NHS "Making Data Count": the limits lie 2,66 average moving ranges from the mean.
pub const LIMIT_FACTOR: f64 = 2.66;

/// Process limits of `values`; `None` with fewer than two values.
pub fn limits(values: &[f64]) -> Option<Limits> {
    if values.len() < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let ranges: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let average_moving_range = ranges.iter().sum::<f64>() / ranges.len() as f64;
    Some(Limits {
        mean,
        average_moving_range,
        lower: mean - LIMIT_FACTOR * average_moving_range,
        upper: mean + LIMIT_FACTOR * average_moving_range,
    })
}

/// Is `value` outside the limits, and on which side? (On a limit is inside.)
pub fn outside(limits: &Limits, value: f64) -> Option<Side> {
    if value > limits.upper + tolerance(limits.upper) {
        Some(Side::Above)
    } else if value < limits.lower - tolerance(limits.lower) {
        Some(Side::Below)
    } else {
        None
    }
}

/// Rounding slack, so that a value equal to a limit in decimal is not "outside" it in binary.
fn tolerance(at: f64) -> f64 {
    1e-9 * at.abs().max(1.0)
}

fn side_of(value: f64, centre: f64) -> Option<Side> {
    if (value - centre).abs() <= tolerance(centre) {
        None
    } else if value > centre {
        Some(Side::Above)
    } else {
        Some(Side::Below)
    }
}

/// The run of points on one side of `centre` that ends with the last point (points on the
/// line skipped): its side and length in points.
pub fn last_run(values: &[f64], centre: f64) -> Option<(Side, usize)> {
    let mut sides = values.iter().rev().filter_map(|v| side_of(*v, centre));
    let side = sides.next()?;
    Some((side, 1 + sides.take_while(|s| *s == side).count()))
}

/// The trend that ends with the last point: consecutive rises (or falls), equal neighbours
/// skipped; its direction (`Above` = rising) and length in points.
pub fn last_trend(values: &[f64]) -> Option<(Side, usize)> {
    let mut steps = values.windows(2).rev().filter_map(|w| side_of(w[1], w[0]));
    let direction = steps.next()?;
    Some((direction, 2 + steps.take_while(|s| *s == direction).count()))
}

/// The median of `values` (`None` when empty).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// A run chart read by Anhøj's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct RunChart {
    pub median: f64,
    /// Points not on the median.
    pub useful: usize,
    /// The longest run on one side of the median (the latest of equally long ones), and its
    /// side.
    pub longest: (Side, usize),
    pub crossings: usize,
    /// A longest run above this is a signal: round(log₂ n) + 3.
    pub longest_limit: usize,
    /// Fewer crossings than this is a signal: the 5th percentile of Binomial(n − 1, ½).
    pub fewest_crossings: usize,
}

impl RunChart {
    pub fn of(values: &[f64]) -> Option<RunChart> {
        let median = median(values)?;
        let sides: Vec<Side> = values.iter().filter_map(|v| side_of(*v, median)).collect();
        let useful = sides.len();
        if useful < 2 {
            return None;
        }
        let mut longest = (sides[0], 1);
        let mut run = (sides[0], 1);
        let mut crossings = 0;
        for pair in sides.windows(2) {
            if pair[1] == pair[0] {
                run.1 += 1;
            } else {
                crossings += 1;
                run = (pair[1], 1);
            }
            // On a tie the later run counts: it says more about where the process is now.
            if run.1 >= longest.1 {
                longest = run;
            }
        }
        Some(RunChart {
            median,
            useful,
            longest,
            crossings,
            longest_limit: longest_run_limit(useful),
            fewest_crossings: binomial_quantile(useful - 1, 0.05),
        })
    }

    pub fn long_run(&self) -> bool {
        self.longest.1 > self.longest_limit
    }

    pub fn few_crossings(&self) -> bool {
        self.crossings < self.fewest_crossings
    }
}

/// Anhøj's limit for the longest run among `n` useful points: round(log₂ n) + 3.
pub fn longest_run_limit(n: usize) -> usize {
    (n as f64).log2().round() as usize + 3
}

/// The `p` quantile of Binomial(`trials`, ½): the smallest `c` with P(X ≤ c) ≥ `p` (as R's
/// `qbinom`). Computed in log space, so long series do not underflow.
pub fn binomial_quantile(trials: usize, p: f64) -> usize {
    let n = trials as f64;
    let mut log_pmf = n * 0.5f64.ln();
    let mut cumulative = 0.0;
    for k in 0..=trials {
        cumulative += log_pmf.exp();
        if cumulative >= p - 1e-12 {
            return k;
        }
        log_pmf += (n - k as f64).ln() - ((k + 1) as f64).ln();
    }
    trials
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_the_mean_plus_minus_2_66_average_moving_ranges() {
        let l = limits(&[10.0, 12.0, 11.0, 13.0]).unwrap();
        assert_eq!(l.mean, 11.5);
        assert!((l.average_moving_range - 5.0 / 3.0).abs() < 1e-12);
        assert!((l.upper - (11.5 + 2.66 * 5.0 / 3.0)).abs() < 1e-12);
        assert_eq!(outside(&l, 20.0), Some(Side::Above));
        assert_eq!(outside(&l, 7.0), Some(Side::Below));
        assert_eq!(outside(&l, 12.0), None);
        assert_eq!(limits(&[3.0]), None);
    }

    #[test]
    fn runs_and_trends_skip_points_on_the_line() {
        let values = [1.0, 5.0, 6.0, 5.0, 7.0, 6.0];
        assert_eq!(last_run(&values, 5.0), Some((Side::Above, 3)));
        assert_eq!(
            last_trend(&[1.0, 2.0, 2.0, 3.0, 4.0]),
            Some((Side::Above, 4))
        );
        assert_eq!(last_trend(&[5.0, 4.0, 3.0]), Some((Side::Below, 3)));
        assert_eq!(last_trend(&[2.0, 2.0, 2.0]), None);
        assert_eq!(last_run(&[2.0, 2.0], 2.0), None);
    }

    #[test]
    fn crossings_limit_matches_anhojs_table() {
        // Anhøj & Olesen 2014, table 1 (checked against R's qbinom): useful points → (longest
        // run limit, fewest crossings).
        for (n, longest, crossings) in [
            (10, 6, 2),
            (12, 7, 3),
            (14, 7, 4),
            (16, 7, 4),
            (20, 7, 6),
            (24, 8, 8),
            (30, 8, 10),
            (40, 8, 14),
            (60, 9, 23),
        ] {
            assert_eq!(longest_run_limit(n), longest, "longest run, n = {n}");
            assert_eq!(
                binomial_quantile(n - 1, 0.05),
                crossings,
                "crossings, n = {n}"
            );
        }
        // Long series do not underflow.
        assert!(binomial_quantile(2000, 0.05) > 900);
    }

    #[test]
    fn a_run_chart_counts_runs_and_crossings() {
        // Median 5: below, below, above, above, above, below (one on the median skipped).
        let chart = RunChart::of(&[1.0, 2.0, 5.0, 8.0, 9.0, 7.0, 3.0]).unwrap();
        assert_eq!(chart.median, 5.0);
        assert_eq!(chart.useful, 6);
        assert_eq!(chart.longest, (Side::Above, 3));
        assert_eq!(chart.crossings, 2);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
