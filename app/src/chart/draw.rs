//! Drawing (server only): charts-rs lays out the plot; around it this module sets what makes a
//! chart readable — the page's font stack, 14 px labels on a chart drawn at the size it is
//! shown (340 px wide, see [`WIDTH`]), a value axis on a 1–2–5 step from 0 with Swedish tick
//! labels and the unit above it, and a legend whose marks are drawn from the same styles as
//! the series. No `style` attributes anywhere (the CSP allows none); presentation attributes
//! only.

use charts_rs::{
    BarChart, Box as Margin, Color, LineChart, Series, SeriesBand, Symbol, YAxisConfig,
};

use super::axis::ValueAxis;
use super::{ChartData, ChartKind, Mark, MultiSeries, SeriesStyle};
use crate::html::escape_markup as escape;

/// The page's own font stack (`style/main.css`), ending in a generic family: without it most
/// municipal PCs, which have no Roboto, would show the labels in a serif.
pub const FONT_STACK: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// Width of every chart, in px: the SVG says `width="340"`, and the stylesheet only ever
/// shrinks it (`max-width: 100%`), never stretches it. Labels of [`LABEL_SIZE`] are therefore
/// 14 px wherever the chart has room, and 12,4 px in the 302 px a chart card leaves on a
/// 360 px phone (13,2 px on a 412 px one).
pub const WIDTH: f32 = 340.0;
/// Axis labels, legend and unit, in px at full size.
pub const LABEL_SIZE: f32 = 14.0;
/// The plot with its x axis, below the legend and the unit.
const BODY_HEIGHT: f32 = 190.0;
/// Text colours: `--ink` and `--muted` of the stylesheet (16:1 and 7,4:1 on white).
const INK: &str = "#1B1F24";
const MUTED: &str = "#4A5563";
const GRID: &str = "#D9DEE4";
/// charts-rs draws a tolerance band in its series colour at this opacity (alpha 60 of 255).
const BAND_OPACITY: &str = "0.24";

/// Measured widths come from the Roboto that charts-rs carries; the fonts of the stack run
/// up to about a tenth wider, so the legend leaves that much room.
const WIDTH_SLACK: f32 = 1.12;
const LEGEND_ROW: f32 = 20.0;
const LEGEND_MARK: f32 = 22.0;
const LEGEND_GAP: f32 = 14.0;
const EDGE: f32 = 4.0;
/// Half-diagonal of a flagged point's diamond, in px: larger than a value's dot, so it rings it.
const DIAMOND_SIZE: f32 = 6.0;
/// A dash pattern with no visible dash: the flagged series draws its symbols and no line.
const DIAMOND_DASH: &str = "0,100000";
/// Marks charts-rs's tick labels, so they can be rewritten the Swedish way ("1 300", never
/// "1.3k"). A private-use character: it never occurs in a label of its own.
const TICK_MARKER: char = '\u{E000}';

/// Draws `data` as SVG with `<title>` and `<desc>` (ids from `id`), or `None` when there is
/// nothing to draw or charts-rs fails (the table alternative still shows the numbers).
pub fn svg(data: &ChartData, id: &str) -> Option<String> {
    if data.is_empty() {
        return None;
    }
    let styles = data.styles();
    let f32s = |values: &[Option<f64>]| values.iter().map(|v| v.map(|v| v as f32)).collect();
    let mut series = Vec::new();
    let mut axis_values: Vec<f64> = Vec::new();
    for style in &styles {
        match style.name.as_str() {
            super::ACTUAL_NAME => {
                series.push(styled(
                    Series::new_nullable(style.name.clone(), f32s(&data.actual)),
                    style,
                ));
                axis_values.extend(data.actual.iter().flatten());
            }
            super::TARGET_NAME => {
                let mut target = styled(
                    Series::new_nullable(style.name.clone(), f32s(&data.target)),
                    style,
                );
                axis_values.extend(data.target.iter().flatten());
                if let Some((lower, upper)) = &data.band {
                    target.0.band = Some(SeriesBand {
                        lower: f32s(lower),
                        upper: f32s(upper),
                        ..Default::default()
                    });
                    axis_values.extend(lower.iter().chain(upper).flatten());
                }
                series.push(target);
            }
            super::BASELINE_NAME => {
                if let Some(baseline) = data.baseline {
                    series.push(styled(
                        Series::new(style.name.clone(), vec![baseline as f32; data.labels.len()]),
                        style,
                    ));
                    axis_values.push(baseline);
                }
            }
            super::FLAGGED_NAME => {
                let mut marks = styled(
                    Series::new_nullable(style.name.clone(), f32s(&data.flagged_values())),
                    style,
                );
                // Drawn over the bars too, as points.
                marks.0.category = Some(charts_rs::SeriesCategory::Line);
                series.push(marks);
            }
            // The band is drawn with the target line.
            _ => {}
        }
    }
    let axis = ValueAxis::fit(axis_values);
    let drawn = plot(
        data.kind,
        series,
        data.labels.clone(),
        &styles,
        &data.unit,
        axis,
    )?;
    Some(with_title(&drawn, &data.title, &data.description(), id))
}

/// Draws several series as lines (the indicator comparison), with `<title>` and `<desc>`.
pub fn svg_lines(data: &MultiSeries, id: &str) -> Option<String> {
    if data
        .series
        .iter()
        .all(|(_, v)| v.iter().all(Option::is_none))
    {
        return None;
    }
    let styles = data.styles();
    let series = data
        .series
        .iter()
        .zip(&styles)
        .map(|((_, values), style)| {
            styled(
                Series::new_nullable(
                    style.name.clone(),
                    values.iter().map(|v| v.map(|v| v as f32)).collect(),
                ),
                style,
            )
        })
        .collect();
    let axis = ValueAxis::fit(
        data.series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied()),
    );
    let drawn = plot(
        ChartKind::Line,
        series,
        data.labels.clone(),
        &styles,
        &data.unit,
        axis,
    )?;
    Some(with_title(&drawn, &data.title, &data.description(), id))
}

/// A charts-rs series drawn as `style` says, with its colour.
fn styled(mut series: Series, style: &SeriesStyle) -> (Series, &'static str) {
    match style.mark {
        Mark::Line { dash, dots } => {
            series.stroke_dash_array = dash.map(str::to_string);
            series.symbol = if dots { None } else { Some(Symbol::None) };
        }
        Mark::Diamond => {
            // Only the marks: the line between two flagged points is dashed away.
            series.stroke_dash_array = Some(DIAMOND_DASH.to_string());
            series.symbol = Some(Symbol::Diamond(DIAMOND_SIZE, Some(Color::from("#FFFFFF"))));
        }
        Mark::Bars | Mark::Band => {}
    }
    (series, style.color)
}

/// The chart: charts-rs's plot below a header of legend and unit, the ticks relabelled.
fn plot(
    kind: ChartKind,
    series: Vec<(Series, &'static str)>,
    labels: Vec<String>,
    styles: &[SeriesStyle],
    unit: &str,
    axis: ValueAxis,
) -> Option<String> {
    let (colors, series): (Vec<Color>, Vec<Series>) = series
        .into_iter()
        .enumerate()
        .map(|(i, (mut s, color))| {
            s.index = Some(i);
            (Color::from(color), s)
        })
        .unzip();
    let legend = Legend::lay_out(styles);
    let unit_height = if unit.is_empty() { 0.0 } else { LEGEND_ROW };
    let header = legend.height + unit_height;
    let ticks = axis.ticks();
    let tick_labels: Vec<String> = ticks.iter().map(|t| axis.label(*t)).collect();
    let y_axis = YAxisConfig {
        min: Some(axis.min as f32),
        max: Some(axis.max as f32),
        split_number: axis.intervals(),
        formatter: Some(format!("{TICK_MARKER}{{c}}")),
        width: Some(
            tick_labels
                .iter()
                .map(|l| text_width(l))
                .fold(0.0, f32::max)
                + 6.0,
        ),
        ..Default::default()
    };
    macro_rules! set_up {
        ($chart:ident) => {{
            $chart.width = WIDTH;
            $chart.height = header + BODY_HEIGHT;
            $chart.font_family = FONT_STACK.to_string();
            $chart.margin = Margin {
                left: EDGE,
                top: header + 6.0,
                right: 14.0,
                bottom: EDGE,
            };
            $chart.legend.show = Some(false);
            $chart.series.colors = colors;
            $chart.grid.stroke_color = Color::from(GRID);
            $chart.x_axis.font.size = LABEL_SIZE;
            $chart.x_axis.font.color = Color::from(MUTED);
            $chart.x_axis.stroke_color = Color::from(MUTED);
            let mut y = $chart.y_axis_configs.first().cloned().unwrap_or_default();
            y.min = y_axis.min;
            y.max = y_axis.max;
            y.split_number = y_axis.split_number;
            y.formatter = y_axis.formatter.clone();
            y.width = y_axis.width;
            y.font.size = LABEL_SIZE;
            y.font.color = Color::from(MUTED);
            $chart.y_axis_configs = vec![y];
            $chart.svg()
        }};
    }
    let rendered = match kind {
        ChartKind::Line => {
            let mut chart = LineChart::new(series, labels);
            set_up!(chart)
        }
        ChartKind::Bars => {
            let mut chart = BarChart::new(series, labels);
            set_up!(chart)
        }
    };
    let svg = match rendered {
        Ok(svg) => svg,
        Err(error) => {
            tracing::error!(?error, "chart could not be drawn");
            return None;
        }
    };
    // The labels end where charts-rs's plot begins, less its gap.
    let right = EDGE + y_axis.width.unwrap_or_default() - 5.0;
    let svg = relabel_ticks(&svg, &tick_labels, right)?;
    let mut head = legend.svg();
    if !unit.is_empty() {
        head.push_str(&text(
            EDGE,
            legend.height + 15.0,
            INK,
            "chart-unit",
            &fitted(unit, WIDTH - 2.0 * EDGE),
        ));
    }
    append(&svg, &head)
}

/// Replaces charts-rs's tick labels (marked with [`TICK_MARKER`], top one first) by `labels`
/// (bottom one first), right-aligned at `right` and marked `class="chart-tick"`. charts-rs
/// placed its own labels by their own width; these are written anew, at the same height.
/// `None` if the count differs: better no chart than a wrongly labelled one.
fn relabel_ticks(svg: &str, labels: &[String], right: f32) -> Option<String> {
    let mut out = String::with_capacity(svg.len() + labels.len() * 24);
    let mut rest = svg;
    let mut remaining = labels.iter().rev();
    let mut replaced = 0;
    let marker = TICK_MARKER.to_string();
    while let Some(at) = rest.find(&marker) {
        let open = rest[..at].rfind("<text")?;
        let tag = &rest[open..at];
        let y = tag.split(" y=\"").nth(1)?.split('"').next()?;
        let end = at + rest[at..].find("</text>")? + "</text>".len();
        out.push_str(&rest[..open]);
        out.push_str(&format!(
            "<text class=\"chart-tick\" x=\"{right}\" y=\"{y}\" text-anchor=\"end\" font-size=\"{LABEL_SIZE}\" font-family=\"{FONT_STACK}\" fill=\"{MUTED}\">{}</text>",
            remaining.next()?
        ));
        replaced += 1;
        rest = &rest[end..];
    }
    out.push_str(rest);
    (replaced == labels.len()).then_some(out)
}

/// Adds `inner` as the last thing in the SVG, so it is drawn over charts-rs's background.
fn append(svg: &str, inner: &str) -> Option<String> {
    let close = svg.rfind("</svg>")?;
    Some(format!("{}{inner}{}", &svg[..close], &svg[close..]))
}

/// `text` cut with "…" to fit `width` px.
fn fitted(text: &str, width: f32) -> String {
    if text_width(text) <= width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut = format!("{}…", chars.iter().collect::<String>().trim_end());
        if text_width(&cut) <= width {
            return cut;
        }
    }
    "…".to_string()
}

/// A text's width in px at [`LABEL_SIZE`], with room for the wider fonts of the stack.
fn text_width(text: &str) -> f32 {
    charts_rs::measure_text_width_family(FONT_STACK, LABEL_SIZE, text)
        .map(|b| b.width())
        .unwrap_or(LABEL_SIZE * 0.6 * text.chars().count() as f32)
        * WIDTH_SLACK
}

fn text(x: f32, y: f32, color: &str, class: &str, content: &str) -> String {
    format!(
        "<text class=\"{class}\" x=\"{x}\" y=\"{y}\" font-size=\"{LABEL_SIZE}\" font-family=\"{FONT_STACK}\" fill=\"{color}\">{}</text>",
        escape(content)
    )
}

/// The legend: one entry per style, in rows across the top.
struct Legend {
    entries: Vec<(f32, f32, SeriesStyle)>,
    height: f32,
}

impl Legend {
    fn lay_out(styles: &[SeriesStyle]) -> Self {
        let (mut x, mut y) = (EDGE, EDGE);
        let mut entries = Vec::new();
        for style in styles {
            // A name longer than a whole row is cut to fit one (the table names it in full).
            let name = fitted(&style.name, WIDTH - 2.0 * EDGE - LEGEND_MARK - 6.0);
            let width = LEGEND_MARK + 6.0 + text_width(&name);
            let style = SeriesStyle {
                name,
                ..style.clone()
            };
            if x > EDGE && x + width > WIDTH - EDGE {
                x = EDGE;
                y += LEGEND_ROW;
            }
            entries.push((x, y, style));
            x += width + LEGEND_GAP;
        }
        let height = if entries.is_empty() {
            0.0
        } else {
            y + LEGEND_ROW
        };
        Self { entries, height }
    }

    /// Each entry is a `<g class="chart-legend-entry">` with its mark and its name.
    fn svg(&self) -> String {
        let mut out = String::from("<g class=\"chart-legend\">");
        for (x, y, style) in &self.entries {
            let middle = y + LEGEND_ROW / 2.0;
            let color = style.color;
            out.push_str("<g class=\"chart-legend-entry\">");
            match style.mark {
                Mark::Bars => out.push_str(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\" fill=\"{color}\"/>",
                    x + 4.0,
                    middle - 5.0,
                    LEGEND_MARK - 8.0
                )),
                Mark::Band => out.push_str(&format!(
                    "<rect x=\"{x}\" y=\"{}\" width=\"{LEGEND_MARK}\" height=\"10\" fill=\"{color}\" fill-opacity=\"{BAND_OPACITY}\"/>",
                    middle - 5.0
                )),
                Mark::Diamond => {
                    let (cx, r) = (x + LEGEND_MARK / 2.0, DIAMOND_SIZE);
                    out.push_str(&format!(
                        "<polygon points=\"{cx},{} {},{middle} {cx},{} {},{middle}\" stroke=\"{color}\" stroke-width=\"2\" fill=\"#FFFFFF\"/>",
                        middle - r,
                        cx + r,
                        middle + r,
                        cx - r
                    ));
                }
                Mark::Line { dash, dots } => {
                    let dash = dash
                        .map(|d| format!(" stroke-dasharray=\"{d}\""))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "<line x1=\"{x}\" y1=\"{middle}\" x2=\"{}\" y2=\"{middle}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>",
                        x + LEGEND_MARK
                    ));
                    if dots {
                        out.push_str(&format!(
                            "<circle cx=\"{}\" cy=\"{middle}\" r=\"2\" stroke=\"{color}\" stroke-width=\"2\" fill=\"#FFFFFF\"/>",
                            x + LEGEND_MARK / 2.0
                        ));
                    }
                }
            }
            out.push_str(&text(
                x + LEGEND_MARK + 6.0,
                middle + 5.0,
                INK,
                "chart-legend-name",
                &style.name,
            ));
            out.push_str("</g>");
        }
        out.push_str("</g>");
        out
    }
}

/// Adds role, title and description to the `<svg>` element.
fn with_title(svg: &str, title: &str, description: &str, id: &str) -> String {
    let Some(start) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else {
        return svg.to_string();
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
mod tests {
    //! The drawn SVG, parsed as XML: what a reader sees, not how the markup happens to look.

    use super::super::axis::is_nice_step;
    use super::super::{ACTUAL, BASELINE, MULTI, TARGET};
    use super::*;
    use roxmltree::{Document, Node};

    fn line() -> ChartData {
        ChartData {
            kind: ChartKind::Line,
            title: "E1 Andel <godkända>".into(),
            unit: "%".into(),
            labels: vec!["jan 26".into(), "feb 26".into(), "mar 26".into()],
            actual: vec![Some(50.0), None, Some(62.5)],
            target: vec![Some(50.0), Some(55.0), Some(60.0)],
            band: Some((
                vec![Some(45.0), Some(50.0), Some(55.0)],
                vec![Some(55.0), Some(60.0), Some(65.0)],
            )),
            baseline: Some(48.0),
            flagged: vec![],
        }
    }

    fn bars(values: Vec<Option<f64>>) -> ChartData {
        ChartData {
            kind: ChartKind::Bars,
            title: "A1 Deltagare".into(),
            unit: "deltagare".into(),
            labels: (1..=values.len()).map(|m| format!("m{m}")).collect(),
            target: vec![None; values.len()],
            actual: values,
            band: None,
            baseline: None,
            flagged: vec![],
        }
    }

    fn comparison() -> MultiSeries {
        MultiSeries {
            title: "Behöriga till gymnasiet, andel (%)".into(),
            unit: "%".into(),
            labels: vec!["2024".into(), "2025".into()],
            series: vec![
                ("Satsningens målgrupp".into(), vec![None, Some(55.0)]),
                ("Örebro".into(), vec![Some(70.0), Some(72.0)]),
                ("Örebro län".into(), vec![Some(71.0), None]),
                ("Riket".into(), vec![Some(75.0), Some(76.0)]),
            ],
        }
    }

    fn elements<'a>(doc: &'a Document, tag: &str) -> Vec<Node<'a, 'a>> {
        doc.descendants().filter(|n| n.has_tag_name(tag)).collect()
    }

    fn class_is(node: &Node, class: &str) -> bool {
        node.attribute("class") == Some(class)
    }

    fn number(node: &Node, attribute: &str) -> f64 {
        node.attribute(attribute).unwrap().parse().unwrap()
    }

    /// The tick labels as (y, text), top one first.
    fn ticks(doc: &Document) -> Vec<(f64, String)> {
        let mut ticks: Vec<(f64, String)> = elements(doc, "text")
            .into_iter()
            .filter(|t| class_is(t, "chart-tick"))
            .map(|t| (number(&t, "y"), t.text().unwrap().trim().to_string()))
            .collect();
        ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
        ticks
    }

    /// A Swedish number as written: groups of three after a no-break space, a decimal comma,
    /// "−" for minus. Its value, or `None` when it is not written so.
    fn swedish(text: &str) -> Option<f64> {
        let (sign, digits) = match text.strip_prefix('−') {
            Some(rest) => (-1.0, rest),
            None => (1.0, text),
        };
        let (int, frac) = digits.split_once(',').unwrap_or((digits, ""));
        let groups: Vec<&str> = int.split('\u{a0}').collect();
        let well_grouped = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
            && frac.chars().all(|c| c.is_ascii_digit())
            && (groups.len() == 1 || groups[0] != "0");
        let plain = format!(
            "{}.{}",
            groups.concat(),
            if frac.is_empty() { "0" } else { frac }
        );
        well_grouped.then(|| sign * plain.parse::<f64>().unwrap())
    }

    /// The legend: (name, mark element, its stroke or fill colour, its dashes).
    fn legend_of<'a>(doc: &'a Document) -> Vec<(String, Node<'a, 'a>)> {
        doc.descendants()
            .filter(|n| class_is(n, "chart-legend-entry"))
            .map(|entry| {
                let name = entry
                    .descendants()
                    .find(|n| class_is(n, "chart-legend-name"))
                    .and_then(|n| n.text())
                    .unwrap()
                    .to_string();
                let mark = entry
                    .children()
                    .find(|n| n.is_element() && !n.has_tag_name("text"))
                    .unwrap();
                (name, mark)
            })
            .collect()
    }

    /// Elements of the plot (outside the legend) with these attribute values.
    fn in_plot<'a>(doc: &'a Document, wanted: &[(&str, &str)]) -> Vec<Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.is_element())
            .filter(|n| !n.ancestors().any(|a| class_is(&a, "chart-legend")))
            .filter(|n| wanted.iter().all(|(k, v)| n.attribute(*k) == Some(*v)))
            .collect()
    }

    #[test]
    fn the_font_stack_ends_in_a_generic_family_and_no_inline_style_is_used() {
        for drawn in [
            svg(&line(), "d1").unwrap(),
            svg(&bars(vec![Some(3.0)]), "d2").unwrap(),
            svg_lines(&comparison(), "j1").unwrap(),
        ] {
            let doc = Document::parse(&drawn).unwrap();
            let texts = elements(&doc, "text");
            assert!(texts.len() > 5);
            for text in texts {
                let family = text
                    .attribute("font-family")
                    .expect("every text names its font");
                assert_eq!(
                    family.rsplit(',').next().unwrap().trim(),
                    "sans-serif",
                    "{family}"
                );
                assert!(
                    family.contains("system-ui"),
                    "the page's own stack: {family}"
                );
                assert_eq!(number(&text, "font-size"), f64::from(LABEL_SIZE));
            }
            assert!(doc.descendants().all(|n| n.attribute("style").is_none()));
            assert!(
                elements(&doc, "style").is_empty(),
                "the CSP allows no <style> either"
            );
            let root = doc.root_element();
            assert_eq!(root.attribute("role"), Some("img"));
            assert_eq!(
                number(&root, "width"),
                f64::from(WIDTH),
                "drawn at the size it is shown"
            );
            assert!(
                root.attribute("viewBox")
                    .is_some_and(|v| v.starts_with(&format!("0 0 {WIDTH} "))),
                "and scaled only down from it"
            );
        }
    }

    #[test]
    fn flagged_points_are_ringed_by_diamonds_named_in_the_legend_and_the_description() {
        use super::super::FLAGGED;
        // Flagged: jan (a value), feb (no value: nothing to mark), mar (a value).
        let flagged = ChartData {
            flagged: vec![0, 1, 2],
            ..line()
        };
        let mut flagged_bars = bars(vec![Some(3.0), Some(4.0), None]);
        flagged_bars.flagged = vec![1];
        for (data, points) in [(&flagged, 2), (&flagged_bars, 1)] {
            let drawn = svg(data, "d1").unwrap();
            let doc = Document::parse(&drawn).unwrap();
            // charts-rs groups a series' symbols under one <g> with its stroke.
            let marks: usize = in_plot(&doc, &[("stroke", FLAGGED)])
                .iter()
                .filter(|n| n.has_tag_name("g"))
                .map(|g| {
                    g.descendants()
                        .filter(|c| c.has_tag_name("polygon"))
                        .count()
                })
                .sum();
            assert_eq!(marks, points, "{drawn}");
            for path in in_plot(&doc, &[("stroke", FLAGGED)])
                .into_iter()
                .filter(|n| n.has_tag_name("path"))
            {
                assert_eq!(path.attribute("stroke-dasharray"), Some(DIAMOND_DASH));
            }
            let legend = legend_of(&doc);
            let (name, mark) = legend.last().unwrap();
            assert_eq!(name, "Avvikelse");
            assert!(mark.has_tag_name("polygon"));
            assert_eq!(mark.attribute("stroke"), Some(FLAGGED));
        }
        assert!(
            flagged
                .description()
                .ends_with("Avvikelse markerad: jan 26, feb 26, mar 26."),
            "{}",
            flagged.description()
        );
        // Nothing flagged: no mark, no legend entry.
        let plain = svg(&line(), "d1").unwrap();
        let doc = Document::parse(&plain).unwrap();
        assert!(in_plot(&doc, &[("stroke", FLAGGED)]).is_empty());
        assert!(legend_of(&doc).iter().all(|(name, _)| name != "Avvikelse"));
    }

    #[test]
    fn the_title_and_description_name_the_chart() {
        let drawn = svg(&line(), "d1").unwrap();
        let doc = Document::parse(&drawn).unwrap();
        let root = doc.root_element();
        assert_eq!(
            root.attribute("aria-labelledby"),
            Some("d1-titel d1-beskrivning")
        );
        let title = elements(&doc, "title")[0];
        assert_eq!(title.attribute("id"), Some("d1-titel"));
        assert_eq!(title.text(), Some("E1 Andel <godkända>"));
        let desc = elements(&doc, "desc")[0].text().unwrap();
        assert!(
            desc.contains("från 50 % (jan 26) till 62,5 % (mar 26)"),
            "{desc}"
        );
    }

    #[test]
    fn the_value_axis_carries_the_unit_above_its_ticks() {
        for (drawn, unit) in [
            (svg(&line(), "d1").unwrap(), "%"),
            (svg(&bars(vec![Some(3.0)]), "d2").unwrap(), "deltagare"),
            (svg_lines(&comparison(), "j1").unwrap(), "%"),
        ] {
            let doc = Document::parse(&drawn).unwrap();
            let units: Vec<Node> = elements(&doc, "text")
                .into_iter()
                .filter(|t| class_is(t, "chart-unit"))
                .collect();
            assert_eq!(units.len(), 1);
            assert_eq!(units[0].text(), Some(unit));
            let top_tick = ticks(&doc)[0].0;
            let tick_x = elements(&doc, "text")
                .into_iter()
                .filter(|t| class_is(t, "chart-tick"))
                .map(|t| number(&t, "x"))
                .fold(f64::MAX, f64::min);
            assert!(number(&units[0], "y") < top_tick, "above the top tick");
            assert!(
                number(&units[0], "x") <= tick_x,
                "at the axis, left of its labels"
            );
        }
        let no_unit = ChartData {
            unit: String::new(),
            ..line()
        };
        let drawn = svg(&no_unit, "d3").unwrap();
        assert!(!drawn.contains("chart-unit"), "no empty unit label");
    }

    #[test]
    fn ticks_are_swedish_numbers_on_a_one_two_five_step_from_zero() {
        for values in [
            vec![Some(1_300.0), Some(2_450.0), None],
            vec![Some(0.2), Some(1.3)],
            vec![Some(12_500_000.0)],
            vec![Some(41.0), Some(62.5)],
        ] {
            let drawn = svg(&bars(values.clone()), "d").unwrap();
            let doc = Document::parse(&drawn).unwrap();
            let ticks = ticks(&doc);
            let parsed: Vec<f64> = ticks
                .iter()
                .map(|(_, t)| swedish(t).unwrap_or_else(|| panic!("{t:?} in {values:?}")))
                .collect();
            assert!(!drawn.contains('k') || !ticks.iter().any(|(_, t)| t.contains('k')));
            // Top to bottom, falling by one nice step each.
            let step = parsed[0] - parsed[1];
            assert!(is_nice_step(step), "{step} in {parsed:?}");
            for pair in parsed.windows(2) {
                assert!(
                    ((pair[0] - pair[1]) - step).abs() < step * 1e-6,
                    "{parsed:?}"
                );
            }
            assert_eq!(parsed.last(), Some(&0.0), "{parsed:?}");
            let max = values.iter().flatten().fold(0.0_f64, |a, b| a.max(*b));
            assert!(parsed[0] >= max, "every value on the axis: {parsed:?}");
            // Evenly spaced on the page too.
            let gap = ticks[1].0 - ticks[0].0;
            assert!(
                ticks
                    .windows(2)
                    .all(|p| ((p[1].0 - p[0].0) - gap).abs() < 0.2)
            );
        }
        let doc_text = svg(&bars(vec![Some(1_300.0), Some(2_450.0)]), "d").unwrap();
        let doc = Document::parse(&doc_text).unwrap();
        let labels: Vec<String> = ticks(&doc).into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            labels,
            [
                "2\u{a0}500",
                "2\u{a0}000",
                "1\u{a0}500",
                "1\u{a0}000",
                "500",
                "0"
            ]
        );
    }

    #[test]
    fn zero_stays_on_the_axis_with_its_line() {
        let negative = ChartData {
            actual: vec![Some(-12.0), Some(30.0), Some(4.0)],
            target: vec![None; 3],
            band: None,
            baseline: None,
            ..line()
        };
        let high = ChartData {
            actual: vec![Some(980.0), Some(1_010.0), Some(995.0)],
            ..negative.clone()
        };
        for data in [negative, high] {
            let drawn = svg(&data, "d").unwrap();
            let doc = Document::parse(&drawn).unwrap();
            let ticks = ticks(&doc);
            let (zero_y, _) = ticks.iter().find(|(_, t)| t == "0").expect("a 0 tick");
            // A grid line (or the x axis) runs across the plot at 0.
            let across = doc.descendants().any(|n| {
                (n.has_tag_name("line") || n.has_tag_name("path"))
                    && horizontal_at(&n).is_some_and(|y| (y - zero_y).abs() < 8.0)
            });
            assert!(across, "a line at 0 ({zero_y}) in {drawn}");
        }
    }

    /// The y of a horizontal line or path segment, if it is one.
    fn horizontal_at(node: &Node) -> Option<f64> {
        if node.has_tag_name("line") {
            let (y1, y2) = (number(node, "y1"), number(node, "y2"));
            return ((y1 - y2).abs() < 0.01 && number(node, "x2") - number(node, "x1") > 100.0)
                .then_some(y1);
        }
        // "M x y L x y" paths, as charts-rs draws its grid.
        let d = node.attribute("d")?;
        let numbers: Vec<f64> = d
            .split(|c: char| c.is_ascii_alphabetic() || c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        (numbers.len() == 4
            && (numbers[1] - numbers[3]).abs() < 0.01
            && (numbers[2] - numbers[0]).abs() > 100.0)
            .then_some(numbers[1])
    }

    #[test]
    fn legend_marks_match_the_series() {
        // A line chart: the values a solid line with dots, the target dashed, the band filled,
        // the baseline dotted — each as the plot draws it.
        let drawn = svg(&line(), "d1").unwrap();
        let doc = Document::parse(&drawn).unwrap();
        let legend = legend_of(&doc);
        let names: Vec<&str> = legend.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Utfall", "Målkurva", "Toleransband", "Baslinje"]);
        let (_, actual) = &legend[0];
        assert!(actual.has_tag_name("line") && actual.attribute("stroke") == Some(ACTUAL));
        assert_eq!(actual.attribute("stroke-dasharray"), None);
        assert!(
            actual
                .next_sibling_element()
                .is_some_and(|c| c.has_tag_name("circle"))
        );
        for ((_, mark), (color, dash)) in legend[1..]
            .iter()
            .filter(|(n, _)| n != "Toleransband")
            .zip([
                (TARGET, super::super::TARGET_DASH),
                (BASELINE, super::super::BASELINE_DASH),
            ])
        {
            assert!(mark.has_tag_name("line"));
            assert_eq!(mark.attribute("stroke"), Some(color));
            assert_eq!(mark.attribute("stroke-dasharray"), Some(dash));
            assert!(
                !in_plot(&doc, &[("stroke", color), ("stroke-dasharray", dash)]).is_empty(),
                "the plot draws {color} dashed {dash}"
            );
        }
        let (_, band) = &legend[2];
        assert!(band.has_tag_name("rect"));
        let plot_band = in_plot(&doc, &[("class", "ct-band")]);
        assert!(!plot_band.is_empty());
        assert_eq!(band.attribute("fill"), plot_band[0].attribute("fill"));
        assert_eq!(
            band.attribute("fill-opacity"),
            plot_band[0].attribute("fill-opacity")
        );

        // Bars: a filled box, as the bars are.
        let drawn = svg(&bars(vec![Some(3.0), Some(5.0)]), "d2").unwrap();
        let doc = Document::parse(&drawn).unwrap();
        let legend = legend_of(&doc);
        assert_eq!(legend.len(), 1);
        assert!(legend[0].1.has_tag_name("rect"));
        assert_eq!(legend[0].1.attribute("fill"), Some(ACTUAL));
        let bars_drawn = in_plot(&doc, &[("fill", ACTUAL)])
            .into_iter()
            .filter(|n| n.has_tag_name("rect"))
            .count();
        assert_eq!(bars_drawn, 2);

        // A line without target or baseline has only its own entry.
        let plain = ChartData {
            target: vec![None; 3],
            band: None,
            baseline: None,
            ..line()
        };
        let drawn = svg(&plain, "d3").unwrap();
        assert_eq!(legend_of(&Document::parse(&drawn).unwrap()).len(), 1);
    }

    #[test]
    fn comparison_lines_differ_by_dashes_and_the_legend_names_the_levels() {
        let drawn = svg_lines(&comparison(), "j1").unwrap();
        let doc = Document::parse(&drawn).unwrap();
        let legend = legend_of(&doc);
        let names: Vec<&str> = legend.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["Satsningens målgrupp", "Örebro", "Örebro län", "Riket"]
        );
        let mut dashes = Vec::new();
        for (i, (name, mark)) in legend.iter().enumerate() {
            assert!(mark.has_tag_name("line"), "{name}");
            assert_eq!(mark.attribute("stroke"), Some(MULTI[i]), "{name}");
            let dash = mark.attribute("stroke-dasharray");
            let mut wanted = vec![("stroke", MULTI[i])];
            if let Some(dash) = dash {
                wanted.push(("stroke-dasharray", dash));
            }
            let drawn_lines: Vec<Node> = in_plot(&doc, &wanted)
                .into_iter()
                .filter(|n| n.has_tag_name("path") && n.attribute("fill") == Some("none"))
                .collect();
            assert!(!drawn_lines.is_empty(), "{name} drawn as its legend says");
            assert!(
                drawn_lines
                    .iter()
                    .all(|n| n.attribute("stroke-dasharray") == dash),
                "{name}"
            );
            dashes.push(dash);
        }
        assert_eq!(dashes[0], None, "the target group's own line is solid");
        dashes.sort();
        dashes.dedup();
        assert_eq!(dashes.len(), 4, "no two lines alike but for colour");
    }

    #[test]
    fn a_long_legend_wraps_inside_the_chart() {
        let mut data = comparison();
        data.series[1].0 = "Region Västra Götalands län med ett långt namn".into();
        let drawn = svg_lines(&data, "j2").unwrap();
        let doc = Document::parse(&drawn).unwrap();
        for (name, mark) in legend_of(&doc) {
            let name: String = name;
            let text = mark
                .parent()
                .unwrap()
                .children()
                .find(|n| n.has_tag_name("text"))
                .unwrap();
            let right = number(&text, "x") + f64::from(text_width(&name));
            assert!(right <= f64::from(WIDTH), "{name} ends at {right}");
        }
        let rows: std::collections::BTreeSet<i64> = legend_of(&doc)
            .iter()
            .map(|(_, m)| number(m, "y1") as i64)
            .collect();
        assert!(rows.len() >= 2);
        // Below the legend, the plot: the top tick is under the last legend row.
        assert!(ticks(&doc)[0].0 > *rows.last().unwrap() as f64);
    }

    #[test]
    fn nothing_to_draw_is_no_chart() {
        assert_eq!(svg(&bars(vec![None, None]), "d"), None);
        let mut empty = comparison();
        for (_, values) in &mut empty.series {
            values.iter_mut().for_each(|v| *v = None);
        }
        assert_eq!(svg_lines(&empty, "j"), None);
    }
}
