//! The value axis of a chart (pure; unit-tested): a range that always holds 0 and every value,
//! ticks on a 1–2–5 step, and their labels the Swedish way ("1 300", "0,5", "−20").

/// Most intervals between ticks: with labels 14 px high, five fit the plot's height with room
/// between them.
const MAX_INTERVALS: f64 = 5.0;

/// The value axis: from `min` to `max` in steps of `step`, which is 1, 2 or 5 times a power of
/// ten. `min` ≤ 0 ≤ `max`, so the zero line is always on the chart (bars start from it, and a
/// line is never made to look steeper by a cut-off axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueAxis {
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// Decimals every label gets: those of the step (a step of 0,5 labels "1,0", "1,5").
    pub decimals: usize,
}

impl ValueAxis {
    /// The axis for `values` (non-finite ones are ignored). Without values it is 0–1.
    pub fn fit(values: impl IntoIterator<Item = f64>) -> Self {
        let (low, high) = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        // Nothing but zeros (or nothing at all): an axis from 0 to 1.
        let high = if high > low { high } else { low + 1.0 };
        let span = high - low;
        let (step, exponent) = nice_step(span / MAX_INTERVALS);
        // A hair of tolerance, so 60 with a step of 20 ends on 60, not 80.
        let slack = step * 1e-9;
        let min = ((low + slack) / step).floor() * step;
        let max = ((high - slack) / step).ceil() * step;
        let max = if max > min { max } else { min + step };
        Self {
            min: min + 0.0, // -0.0 → 0.0
            max,
            step,
            decimals: usize::try_from(-exponent).unwrap_or(0),
        }
    }

    /// How many intervals the axis has.
    pub fn intervals(&self) -> usize {
        ((self.max - self.min) / self.step).round() as usize
    }

    /// The tick values, from `min` up to `max`.
    pub fn ticks(&self) -> Vec<f64> {
        (0..=self.intervals())
            .map(|i| {
                let v = self.min + i as f64 * self.step;
                // Multiples of 0,1 are not exact in binary: round to the step's decimals.
                let scale = 10_f64.powi(self.decimals as i32);
                (v * scale).round() / scale + 0.0
            })
            .collect()
    }

    /// A tick's label: "1 300", "62,5", "−20" (no-break space between groups of three, decimal
    /// comma, a real minus sign).
    pub fn label(&self, value: f64) -> String {
        fixed_decimals(value, self.decimals)
    }
}

/// The smallest step of 1, 2 or 5 times a power of ten that is at least `raw`, with that power.
fn nice_step(raw: f64) -> (f64, i32) {
    let exponent = raw.log10().floor() as i32;
    let power = 10_f64.powi(exponent);
    let fraction = raw / power;
    // Tolerance again: a raw step of exactly 2 is 2, not 5.
    let mantissa = [1.0, 2.0, 5.0]
        .into_iter()
        .find(|m| fraction <= m * (1.0 + 1e-9))
        .unwrap_or(10.0);
    if mantissa == 10.0 {
        (10_f64.powi(exponent + 1), exponent + 1)
    } else {
        (mantissa * power, exponent)
    }
}

/// `value` with exactly `decimals` decimals, written the Swedish way.
fn fixed_decimals(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let zero = text.chars().all(|c| c == '0' || c == '.');
    let sign = if value < 0.0 && !zero { "−" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// Is `step` 1, 2 or 5 times a power of ten?
pub fn is_nice_step(step: f64) -> bool {
    if !(step.is_finite() && step > 0.0) {
        return false;
    }
    let power = 10_f64.powi(step.log10().floor() as i32);
    let mantissa = step / power;
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .any(|m| (mantissa - m).abs() < 1e-6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(values: &[f64]) -> Vec<String> {
        let axis = ValueAxis::fit(values.iter().copied());
        axis.ticks().into_iter().map(|t| axis.label(t)).collect()
    }

    #[test]
    fn ticks_step_by_one_two_or_five_and_start_at_zero() {
        assert_eq!(labels(&[41.0, 62.5, 80.0]), ["0", "20", "40", "60", "80"]);
        assert_eq!(labels(&[3.0, 7.0, 12.0]), ["0", "5", "10", "15"]);
        assert_eq!(
            labels(&[1_300.0, 2_450.0]),
            [
                "0",
                "500",
                "1\u{a0}000",
                "1\u{a0}500",
                "2\u{a0}000",
                "2\u{a0}500"
            ]
        );
        assert_eq!(
            labels(&[0.2, 1.3]),
            ["0,0", "0,5", "1,0", "1,5"],
            "one decimal on every label, the step's"
        );
        assert_eq!(
            labels(&[0.004]),
            ["0,000", "0,001", "0,002", "0,003", "0,004"]
        );
        assert_eq!(
            labels(&[12_500_000.0]).last().unwrap(),
            "15\u{a0}000\u{a0}000"
        );
    }

    #[test]
    fn negative_values_keep_zero_on_the_axis() {
        assert_eq!(
            labels(&[-12.0, 30.0]),
            ["−20", "−10", "0", "10", "20", "30"]
        );
        assert_eq!(labels(&[-3.0, -7.0]), ["−8", "−6", "−4", "−2", "0"]);
    }

    #[test]
    fn no_values_or_only_zeros_still_give_an_axis() {
        assert_eq!(labels(&[]), ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]);
        assert_eq!(labels(&[0.0, 0.0]), labels(&[]));
        assert_eq!(labels(&[f64::NAN, 5.0]), ["0", "1", "2", "3", "4", "5"]);
    }

    #[test]
    fn every_fitted_axis_holds_its_values_on_a_nice_step() {
        let mut seed = 7_u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 11) as f64 / (1_u64 << 53) as f64
        };
        for _ in 0..2_000 {
            let scale = 10_f64.powi((next() * 12.0) as i32 - 4);
            let values: Vec<f64> = (0..5).map(|_| (next() - 0.3) * scale).collect();
            let axis = ValueAxis::fit(values.iter().copied());
            assert!(is_nice_step(axis.step), "{axis:?}");
            assert!(axis.min <= 0.0 && axis.max >= 0.0, "{axis:?}");
            for v in &values {
                assert!(axis.min <= *v && *v <= axis.max, "{v} outside {axis:?}");
            }
            assert!((1..=7).contains(&axis.intervals()), "{axis:?}");
            let ticks = axis.ticks();
            assert!(ticks.contains(&0.0), "{axis:?}");
        }
        assert!(!is_nice_step(0.3) && !is_nice_step(25.0) && is_nice_step(0.05));
    }
}
