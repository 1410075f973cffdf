//! Charts: one measure's series as an accessible SVG, drawn on the server with charts-rs (so it
//! prints, works without JavaScript and can go into reports and mails). The data behind every
//! chart is also kept for its "Visa som tabell" alternative.

pub mod axis;
#[cfg(feature = "ssr")]
mod draw;

#[cfg(feature = "ssr")]
pub use draw::{FONT_STACK, LABEL_SIZE, WIDTH, svg, svg_lines};

use serde::{Deserialize, Serialize};

/// Colour-blind-safe palette (Okabe–Ito): actual values, target line, baseline.
pub const ACTUAL: &str = "#0072B2";
pub const TARGET: &str = "#D55E00";
pub const BASELINE: &str = "#6B6B6B";
/// Points a deviation flag concerns: a dark red diamond (the shape tells it apart, not only
/// the colour).
pub const FLAGGED: &str = "#A4161A";

/// How a measure is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartKind {
    /// Effektmått and indikatorer: the values over time against the target line.
    Line,
    /// Aktivitetsmått: how much happened each period.
    Bars,
}

/// A series that may have gaps.
pub type Gappy = Vec<Option<f64>>;
/// Lower and upper edges of a band, point by point.
pub type Band = (Gappy, Gappy);

/// One chart's data: a label per period and the series along them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartData {
    pub kind: ChartKind,
    /// "E1 Andel elever med godkända betyg".
    pub title: String,
    pub unit: String,
    /// Period labels, e.g. "nov 2026".
    pub labels: Vec<String>,
    /// Reported values; `None` where nothing was reported (a gap, never a zero).
    pub actual: Gappy,
    /// Target trajectory (baseline → delmål → target), when the measure has a target.
    pub target: Gappy,
    /// Lower and upper edge of the tolerance band around the target.
    pub band: Option<Band>,
    pub baseline: Option<f64>,
    /// Indexes (into `labels`) of the points an open deviation flag concerns: marked on the
    /// chart, named in its description and its table.
    #[serde(default)]
    pub flagged: Vec<usize>,
}

impl ChartData {
    /// The text alternative: what the chart shows, in one Swedish sentence.
    pub fn description(&self) -> String {
        let reported: Vec<(usize, f64)> = self
            .actual
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect();
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        let mut text = match (reported.first(), reported.last()) {
            (Some((fi, fv)), Some((li, lv))) if reported.len() > 1 => format!(
                "{} värden från {} till {}: från {}{unit} ({}) till {}{unit} ({}).",
                reported.len(),
                self.labels[*fi],
                self.labels[*li],
                crate::sv::number::format_decimal(*fv),
                self.labels[*fi],
                crate::sv::number::format_decimal(*lv),
                self.labels[*li],
            ),
            (Some((i, v)), _) => format!(
                "Ett värde: {}{unit} ({}).",
                crate::sv::number::format_decimal(*v),
                self.labels[*i]
            ),
            _ => "Inga värden rapporterade ännu.".to_string(),
        };
        if let Some(Some(target)) = self.target.last() {
            text.push_str(&format!(
                " Målkurvan slutar på {}{unit}.",
                crate::sv::number::format_decimal(*target)
            ));
        }
        if let Some(baseline) = self.baseline {
            text.push_str(&format!(
                " Baslinje {}{unit}.",
                crate::sv::number::format_decimal(baseline)
            ));
        }
        let flagged = self.flagged_labels();
        if !flagged.is_empty() {
            text.push_str(&format!(" Avvikelse markerad: {}.", flagged.join(", ")));
        }
        text
    }

    /// The labels of the flagged points, in order.
    pub fn flagged_labels(&self) -> Vec<&str> {
        let mut at: Vec<usize> = self.flagged.clone();
        at.sort_unstable();
        at.dedup();
        at.into_iter()
            .filter_map(|i| self.labels.get(i).map(String::as_str))
            .collect()
    }

    /// The flagged points' values (a gap elsewhere): what the marks are drawn at. A flagged
    /// month without a value (a missing report) has no point to mark.
    pub fn flagged_values(&self) -> Gappy {
        (0..self.labels.len())
            .map(|i| {
                self.actual
                    .get(i)
                    .copied()
                    .flatten()
                    .filter(|_| self.flagged.contains(&i))
            })
            .collect()
    }

    /// Anything to draw at all?
    pub fn is_empty(&self) -> bool {
        self.actual.iter().all(Option::is_none) && self.target.iter().all(Option::is_none)
    }

    /// What the chart draws, in legend order: the values (bars or a line with a dot per
    /// value), then for a line the dashed target line, its tolerance band and the dotted
    /// baseline, where the measure has them.
    pub fn styles(&self) -> Vec<SeriesStyle> {
        let style = |name: &str, color, mark| SeriesStyle {
            name: name.to_string(),
            color,
            mark,
        };
        let flagged = self.flagged_values().iter().any(Option::is_some);
        let flag_style = || style(FLAGGED_NAME, FLAGGED, Mark::Diamond);
        if self.kind == ChartKind::Bars {
            let mut styles = vec![style(ACTUAL_NAME, ACTUAL, Mark::Bars)];
            styles.extend(flagged.then(flag_style));
            return styles;
        }
        let mut styles = vec![style(
            ACTUAL_NAME,
            ACTUAL,
            Mark::Line {
                dash: None,
                dots: true,
            },
        )];
        if self.target.iter().any(Option::is_some) {
            styles.push(style(
                TARGET_NAME,
                TARGET,
                Mark::Line {
                    dash: Some(TARGET_DASH),
                    dots: false,
                },
            ));
            if self.band.is_some() {
                styles.push(style(BAND_NAME, TARGET, Mark::Band));
            }
        }
        if self.baseline.is_some() {
            styles.push(style(
                BASELINE_NAME,
                BASELINE,
                Mark::Line {
                    dash: Some(BASELINE_DASH),
                    dots: false,
                },
            ));
        }
        styles.extend(flagged.then(flag_style));
        styles
    }
}

/// Series names, as the legend shows them.
pub const ACTUAL_NAME: &str = "Utfall";
pub const TARGET_NAME: &str = "Målkurva";
pub const BAND_NAME: &str = "Toleransband";
pub const BASELINE_NAME: &str = "Baslinje";
pub const FLAGGED_NAME: &str = "Avvikelse";
/// Dashes of the target line and of the baseline (`stroke-dasharray`).
pub const TARGET_DASH: &str = "6,4";
pub const BASELINE_DASH: &str = "2,3";
/// Dashes of the comparison lines after the first (solid) one, so that they differ by more
/// than their colour.
pub const LEVEL_DASHES: [&str; 3] = ["8,4", "3,3", "8,3,2,3"];

/// How a series is drawn: what its legend mark shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Bars,
    /// A line, solid or dashed (`stroke-dasharray`), with or without a dot per value.
    Line {
        dash: Option<&'static str>,
        dots: bool,
    },
    /// A filled band (the tolerance around the target line).
    Band,
    /// A diamond on each marked point, no line (the flagged points).
    Diamond,
}

/// One series' name, colour and mark; the plot and the legend are drawn from the same style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesStyle {
    pub name: String,
    pub color: &'static str,
    pub mark: Mark,
}

/// A sparkline: the last values as a small line (decorative beside the value it summarises,
/// so hidden from assistive technology). `None` with fewer than two values.
pub fn sparkline(values: &[f64]) -> Option<String> {
    const WIDTH: f64 = 80.0;
    const HEIGHT: f64 = 20.0;
    if values.len() < 2 {
        return None;
    }
    let (min, max) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let span = if max > min { max - min } else { 1.0 };
    let step = WIDTH / (values.len() - 1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = HEIGHT - 2.0 - (v - min) / span * (HEIGHT - 4.0);
            format!("{:.1},{:.1}", i as f64 * step, y)
        })
        .collect();
    Some(format!(
        "<svg class=\"sparkline\" width=\"80\" height=\"20\" viewBox=\"0 0 80 20\" aria-hidden=\"true\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\"><polyline points=\"{}\" fill=\"none\" stroke=\"{ACTUAL}\" stroke-width=\"1.5\"/></svg>",
        points.join(" ")
    ))
}

/// Several named series over the same labels (the indicator comparison).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiSeries {
    pub title: String,
    pub unit: String,
    pub labels: Vec<String>,
    /// (name, values); gaps where a series has no value.
    pub series: Vec<(String, Gappy)>,
}

impl MultiSeries {
    pub fn description(&self) -> String {
        let parts: Vec<String> = self
            .series
            .iter()
            .filter_map(|(name, values)| {
                let (i, v) = values
                    .iter()
                    .enumerate()
                    .rev()
                    .find_map(|(i, v)| v.map(|v| (i, v)))?;
                Some(format!(
                    "{name} {} {} ({})",
                    crate::sv::number::format_decimal(v),
                    self.unit,
                    self.labels[i]
                ))
            })
            .collect();
        if parts.is_empty() {
            "Inga jämförelsevärden.".into()
        } else {
            format!("Senaste värden: {}.", parts.join(", ").replace("  ", " "))
        }
    }
}

/// Palette for several series (Okabe–Ito): blue, orange, bluish green, reddish purple.
pub const MULTI: [&str; 4] = [ACTUAL, TARGET, "#009E73", "#CC79A7"];

impl MultiSeries {
    /// A line with a dot per value for each series: the first solid, the others dashed, each
    /// in its own colour.
    pub fn styles(&self) -> Vec<SeriesStyle> {
        self.series
            .iter()
            .enumerate()
            .map(|(i, (name, _))| SeriesStyle {
                name: name.clone(),
                color: MULTI[i % MULTI.len()],
                mark: Mark::Line {
                    dash: i
                        .checked_sub(1)
                        .map(|d| LEVEL_DASHES[d % LEVEL_DASHES.len()]),
                    dots: true,
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod sparkline_tests {
    use super::*;

    #[test]
    fn sparkline_scales_into_its_box() {
        assert_eq!(sparkline(&[1.0]), None);
        let svg = sparkline(&[0.0, 10.0, 5.0]).unwrap();
        assert!(
            svg.contains("points=\"0.0,18.0 40.0,2.0 80.0,10.0\""),
            "{svg}"
        );
        assert!(svg.contains("aria-hidden=\"true\""));
    }
}

#[cfg(test)]
mod colour_tests {
    use super::*;

    /// WCAG 2.x contrast ratio of a `#RRGGBB` colour against white.
    fn contrast_on_white(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        1.05 / (luminance + 0.05)
    }

    #[test]
    fn every_series_colour_stands_out_from_the_white_card() {
        // WCAG 1.4.11: lines and bars that carry the data need 3:1 against what they sit on.
        for colour in MULTI.iter().chain([&BASELINE, &FLAGGED]) {
            let ratio = contrast_on_white(colour);
            assert!(ratio >= 3.0, "{colour} has {ratio:.2}:1 on white");
        }
        assert!(
            contrast_on_white("#FFFF00") < 3.0,
            "the check itself tells yellow apart"
        );
    }
}
