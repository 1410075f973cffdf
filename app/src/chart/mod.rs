//! Charts: one measure's series as an accessible SVG, drawn on the server with charts-rs (so it
//! prints, works without JavaScript and can go into reports and mails). The data behind every
//! chart is also kept for its "Visa som tabell" alternative.

use serde::{Deserialize, Serialize};

/// Colour-blind-safe palette (Okabe–Ito): actual values, target line, baseline.
pub const ACTUAL: &str = "#0072B2";
pub const TARGET: &str = "#D55E00";
pub const BASELINE: &str = "#6B6B6B";

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
        text
    }

    /// Anything to draw at all?
    pub fn is_empty(&self) -> bool {
        self.actual.iter().all(Option::is_none) && self.target.iter().all(Option::is_none)
    }
}

/// Draws `data` as SVG with `<title>` and `<desc>` (ids from `id`), or `None` when there is
/// nothing to draw or charts-rs fails (the table alternative still shows the numbers).
#[cfg(feature = "ssr")]
pub fn svg(data: &ChartData, id: &str) -> Option<String> {
    use charts_rs::{BarChart, Color, LineChart, Series, SeriesBand, Symbol};
    if data.is_empty() {
        return None;
    }
    let f32s = |values: &[Option<f64>]| values.iter().map(|v| v.map(|v| v as f32)).collect();
    let mut actual = Series::new_nullable("Utfall".into(), f32s(&data.actual));
    actual.index = Some(0);
    let mut series = vec![];
    let has_target = data.target.iter().any(Option::is_some);
    let mut target = Series::new_nullable("Målkurva".into(), f32s(&data.target));
    target.index = Some(1);
    target.stroke_dash_array = Some("6,4".into());
    target.symbol = Some(Symbol::None);
    if let Some((lower, upper)) = &data.band {
        target.band = Some(SeriesBand {
            lower: f32s(lower),
            upper: f32s(upper),
            ..Default::default()
        });
    }
    let colors = vec![
        Color::from(ACTUAL),
        Color::from(TARGET),
        Color::from(BASELINE),
    ];
    let rendered = match data.kind {
        ChartKind::Line => {
            series.push(actual);
            if has_target {
                series.push(target);
            }
            if let Some(baseline) = data.baseline {
                let mut base =
                    Series::new("Baslinje".into(), vec![baseline as f32; data.labels.len()]);
                base.index = Some(2);
                base.stroke_dash_array = Some("2,3".into());
                base.symbol = Some(Symbol::None);
                series.push(base);
            }
            let mut chart = LineChart::new(series, data.labels.clone());
            chart.width = 560.0;
            chart.height = 260.0;
            chart.series.colors = colors;
            chart.svg()
        }
        ChartKind::Bars => {
            series.push(actual);
            let mut chart = BarChart::new(series, data.labels.clone());
            chart.width = 560.0;
            chart.height = 260.0;
            chart.series.colors = colors;
            chart.svg()
        }
    };
    let svg = match rendered {
        Ok(svg) => svg,
        Err(error) => {
            tracing::error!(?error, "chart could not be drawn");
            return None;
        }
    };
    Some(accessible(&swedish_numbers(&svg), data, id))
}

/// Axis and value labels the Swedish way: "62.5" → "62,5", "12500" → "12 500".
#[cfg(feature = "ssr")]
fn swedish_numbers(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(open) = rest.find("<text") {
        let Some(close_tag) = rest[open..].find('>').map(|i| open + i + 1) else {
            break;
        };
        let Some(end) = rest[close_tag..].find("</text>").map(|i| close_tag + i) else {
            break;
        };
        out.push_str(&rest[..close_tag]);
        let content = &rest[close_tag..end];
        match content.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => {
                // Four-digit numbers (years above all) are written without a space.
                let mut text = crate::sv::number::format_decimal(number);
                if number.abs() < 10_000.0 {
                    text = text.replace('\u{a0}', "");
                }
                out.push_str(&content.replace(content.trim(), &text))
            }
            _ => out.push_str(content),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
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

/// Draws several series as lines, with `<title>` and `<desc>`.
#[cfg(feature = "ssr")]
pub fn svg_lines(data: &MultiSeries, id: &str) -> Option<String> {
    use charts_rs::{Color, LineChart, Series};
    if data
        .series
        .iter()
        .all(|(_, v)| v.iter().all(Option::is_none))
    {
        return None;
    }
    let series = data
        .series
        .iter()
        .enumerate()
        .map(|(i, (name, values))| {
            let mut s = Series::new_nullable(
                name.clone(),
                values.iter().map(|v| v.map(|v| v as f32)).collect(),
            );
            s.index = Some(i);
            s
        })
        .collect();
    let mut chart = LineChart::new(series, data.labels.clone());
    chart.width = 560.0;
    chart.height = 260.0;
    chart.series.colors = MULTI.iter().map(|c| Color::from(*c)).collect();
    let svg = chart
        .svg()
        .map_err(|error| tracing::error!(?error, "comparison chart could not be drawn"))
        .ok()?;
    Some(with_title(
        &swedish_numbers(&svg),
        &data.title,
        &data.description(),
        id,
    ))
}

/// Adds role, title and description to the `<svg>` element.
#[cfg(feature = "ssr")]
fn accessible(svg: &str, data: &ChartData, id: &str) -> String {
    with_title(svg, &data.title, &data.description(), id)
}

#[cfg(feature = "ssr")]
fn with_title(svg: &str, title: &str, description: &str, id: &str) -> String {
    let Some(start) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else {
        return svg.to_string();
    };
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    format!(
        "{}{} role=\"img\" aria-labelledby=\"{id}-titel {id}-beskrivning\"><title id=\"{id}-titel\">{}</title><desc id=\"{id}-beskrivning\">{}</desc>{}",
        &svg[..start],
        &svg[start..end],
        escape(title),
        escape(description),
        &svg[end + 1..]
    )
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn line_chart_has_title_description_and_series() {
        let data = ChartData {
            kind: ChartKind::Line,
            title: "E1 Andel <godkända>".into(),
            unit: "%".into(),
            labels: vec!["jan 2026".into(), "feb 2026".into(), "mar 2026".into()],
            actual: vec![Some(50.0), None, Some(62.5)],
            target: vec![Some(50.0), Some(55.0), Some(60.0)],
            band: Some((
                vec![Some(45.0), Some(50.0), Some(55.0)],
                vec![Some(55.0), Some(60.0), Some(65.0)],
            )),
            baseline: Some(50.0),
        };
        let svg = svg(&data, "d1").unwrap();
        assert!(svg.contains("<title id=\"d1-titel\">E1 Andel &lt;godkända&gt;</title>"));
        assert!(svg.contains("role=\"img\""));
        assert!(
            data.description()
                .contains("från 50 % (jan 2026) till 62,5 % (mar 2026)")
        );
        assert_eq!(
            swedish_numbers("<text x=\"1\">\n12500.5\n</text><text>jan</text>"),
            "<text x=\"1\">\n12\u{a0}500,5\n</text><text>jan</text>"
        );
        assert_eq!(swedish_numbers("<text>2021</text>"), "<text>2021</text>");
    }
}
