//! The PDF's pages laid out: the [`Document`] turned into A4 pages of positioned text runs,
//! rules and charts, each piece marked with the structure element it belongs to (or as an
//! artifact), plus the structure elements themselves and the bookmarks. No PDF here: the
//! writer ([`super::pdf`]) only draws what this module placed, so the rules of the page — line
//! breaking on the font's advance widths, keeping a heading with what follows, a table that
//! breaks across pages with its header row repeated — are plain functions.
//!
//! Coordinates are PDF points (1/72 inch) from the page's top-left corner.

use std::ops::Range;

use super::{Block, Document, Para, Table};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// 2,5 cm on every side, as the Word file.
pub const MARGIN: f32 = 70.87;
const LEFT: f32 = MARGIN;
const TOP: f32 = MARGIN;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
const WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// The page number's baseline, in the bottom margin.
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 36.0;

const TITLE_SIZE: f32 = 20.0;
const H1_SIZE: f32 = 16.0;
const H2_SIZE: f32 = 12.5;
const BODY_SIZE: f32 = 10.5;
const CAPTION_SIZE: f32 = 9.5;
const CELL_SIZE: f32 = 9.0;
const FOOTER_SIZE: f32 = 8.5;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.35;
/// Space inside a table cell.
const CELL_PADDING: f32 = 3.5;
/// A chart is shown at 1,5 × its SVG pixels (96 per inch), as in the Word file, or narrower
/// when that would pass the margin.
const CHART_SCALE: f32 = 1.5 * 72.0 / 96.0;

/// The two faces of the report font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// A face's glyphs: what [`Metrics`] looks up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    /// Advance width in em.
    pub advance: f32,
}

/// The report font's glyph ids and advance widths (from its `cmap` and `hmtx` tables).
pub struct Metrics<'a> {
    regular: ttf_parser::Face<'a>,
    bold: ttf_parser::Face<'a>,
}

impl<'a> Metrics<'a> {
    pub fn new(regular: &'a [u8], bold: &'a [u8]) -> anyhow::Result<Self> {
        let parse = |data: &'a [u8]| {
            ttf_parser::Face::parse(data, 0)
                .map_err(|e| anyhow::anyhow!("the report font could not be read: {e}"))
        };
        Ok(Metrics {
            regular: parse(regular)?,
            bold: parse(bold)?,
        })
    }

    /// The glyph for `c` in `face`, if the font has one.
    pub fn glyph(&self, face: Face, c: char) -> Option<Glyph> {
        let f = match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        };
        // Glyph 0 is the font's empty box (.notdef): no glyph at all.
        let id = f.glyph_index(c).filter(|id| id.0 != 0)?;
        let advance = f32::from(f.glyph_hor_advance(id)?) / f32::from(f.units_per_em());
        Some(Glyph { id: id.0, advance })
    }

    /// `c` as it can be shown: a tab as a space, a character the font lacks as U+FFFD (or
    /// "?"), other control characters and byte-order marks not at all. PDF/UA forbids a glyph
    /// without a character or the font's empty glyph, so nothing typed may reach the page
    /// unmapped.
    fn shown(&self, face: Face, c: char) -> Option<(char, f32)> {
        let c = match c {
            '\t' => ' ',
            '\u{feff}' | '\u{fffe}' | '\u{ad}' => return None,
            c if c.is_control() => return None,
            c => c,
        };
        if let Some(g) = self.glyph(face, c) {
            return Some((c, g.advance));
        }
        ['\u{fffd}', '?']
            .into_iter()
            .find_map(|fallback| self.glyph(face, fallback).map(|g| (fallback, g.advance)))
    }
}

/// Where a run of characters breaks into lines no wider than `max_width`: ranges into
/// `chars` (each a character and its advance width). Breaks at spaces (dropped at the end of
/// a line and the start of the next) and after a hyphen, dash or slash; a word wider than the
/// line is broken between characters; a `'\n'` always ends a line (an empty line stays one).
/// Every character but spaces and line breaks lands in exactly one line.
pub fn break_lines(chars: &[(char, f32)], max_width: f32) -> Vec<Range<usize>> {
    let trim = |start: usize, mut end: usize| {
        while end > start && chars[end - 1].0 == ' ' {
            end -= 1;
        }
        start..end
    };
    let mut lines = Vec::new();
    let mut start = 0;
    'line: loop {
        let mut x = 0.0;
        // (end of this line, start of the next) at the last place the line may break.
        let mut last_break: Option<(usize, usize)> = None;
        let mut i = start;
        loop {
            let Some(&(c, w)) = chars.get(i) else {
                lines.push(trim(start, i));
                return lines;
            };
            if c == '\n' {
                lines.push(trim(start, i));
                start = i + 1;
                continue 'line;
            }
            if c == ' ' {
                last_break = Some((i, i + 1));
            } else if x + w > max_width && i > start {
                let (end, mut next) = last_break.unwrap_or((i, i));
                lines.push(trim(start, end));
                while chars.get(next).is_some_and(|&(c, _)| c == ' ') {
                    next += 1;
                }
                start = next;
                continue 'line;
            }
            x += w;
            if matches!(c, '-' | '–' | '—' | '/') {
                last_break = Some((i + 1, i + 1));
            }
            i += 1;
        }
    }
}

/// Column widths for a table `available` wide, from each column's natural (unwrapped) width:
/// all natural widths when they fit, stretched to the full width; otherwise the columns
/// narrower than an equal share keep their width and the others share the rest in proportion.
pub fn column_widths(natural: &[f32], available: f32) -> Vec<f32> {
    let total: f32 = natural.iter().sum();
    if natural.is_empty() || total <= 0.0 {
        return vec![available / natural.len().max(1) as f32; natural.len()];
    }
    if total <= available {
        return natural.iter().map(|w| w * available / total).collect();
    }
    let share = available / natural.len() as f32;
    let kept: f32 = natural.iter().filter(|w| **w <= share).sum();
    let wide: f32 = natural.iter().filter(|w| **w > share).sum();
    natural
        .iter()
        .map(|&w| {
            if w <= share {
                w
            } else {
                w * (available - kept) / wide
            }
        })
        .collect()
}

/// What a structure element is (the PDF tag it becomes).
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// Hn: 1 is the document's title, 2 a section, 3 what is under it.
    Heading(u8, String),
    P,
    Table,
    Caption,
    THead,
    TBody,
    TR,
    /// A header cell: of its column (the header row) or of its row (the first column).
    Th {
        row: bool,
    },
    Td,
    /// A chart with its text alternative, on `page` at `rect` (x, y, width, height).
    Figure {
        alt: String,
        page: usize,
        rect: [f32; 4],
    },
}

/// A structure element and its parent (none: a child of the document).
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub role: Role,
    pub parent: Option<usize>,
}

/// What a piece of a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The content of structure element `n`.
    Content(usize),
    /// Rules, cell backgrounds and a repeated table header: not read.
    Layout,
    /// "Sida 2 av 7": not read.
    PageNumber,
}

/// Something drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Paint {
    /// `text` from `x` on the baseline `y`; every character has a glyph in `face`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        text: String,
    },
    /// A rectangle filled with a grey (0 black – 255 white).
    Fill { rect: [f32; 4], grey: u8 },
    /// A rectangle's outline, a thin grey line.
    Frame { rect: [f32; 4] },
    /// Chart `n` (in document order) scaled into `rect`.
    Chart { n: usize, rect: [f32; 4] },
}

/// One marked piece of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub mark: Mark,
    pub paints: Vec<Paint>,
}

/// A bookmark: a heading's level (1 or 2 in the document model), text and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub level: u8,
    pub text: String,
    pub page: usize,
    pub y: f32,
}

/// The laid-out document.
#[derive(Debug, Default)]
pub struct Pages {
    pub pages: Vec<Vec<Item>>,
    pub elements: Vec<Element>,
    pub bookmarks: Vec<Bookmark>,
}

/// A piece of a line in one face: the face, its text and its x offset in the line.
type Piece = (Face, String, f32);

/// One table cell laid out: its lines of pieces.
struct Cell {
    lines: Vec<Vec<Piece>>,
    width: f32,
}

struct Layout<'m> {
    metrics: &'m Metrics<'m>,
    /// Each chart's SVG size in pixels, in document order.
    charts: &'m [(f32, f32)],
    next_chart: usize,
    out: Pages,
    y: f32,
}

impl<'m> Layout<'m> {
    fn page(&mut self) -> &mut Vec<Item> {
        self.out.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.out.pages.push(Vec::new());
        self.y = TOP;
    }

    fn fresh(&self) -> bool {
        self.out.pages.last().is_none_or(Vec::is_empty)
    }

    /// A new page unless `height` still fits on this one (or this one is empty).
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && !self.fresh() {
            self.new_page();
        }
    }

    fn element(&mut self, role: Role, parent: Option<usize>) -> usize {
        self.out.elements.push(Element { role, parent });
        self.out.elements.len() - 1
    }

    fn item(&mut self, mark: Mark, paints: Vec<Paint>) {
        self.page().push(Item { mark, paints });
    }

    /// Runs of text as showable characters with their widths at `size`, and each one's face.
    fn measure(&self, runs: &[(Face, &str)], size: f32) -> (Vec<(char, f32)>, Vec<Face>) {
        let mut chars = Vec::new();
        let mut faces = Vec::new();
        for (face, text) in runs {
            for c in text.chars() {
                if c == '\r' {
                    continue;
                }
                if c == '\n' {
                    chars.push(('\n', 0.0));
                    faces.push(*face);
                } else if let Some((shown, advance)) = self.metrics.shown(*face, c) {
                    chars.push((shown, advance * size));
                    faces.push(*face);
                }
            }
        }
        (chars, faces)
    }

    /// `runs` broken into lines `width` wide: per line, its pieces of one face with their x
    /// offsets, and the line's width.
    fn lines(&self, runs: &[(Face, &str)], size: f32, width: f32) -> Vec<(Vec<Piece>, f32)> {
        let (chars, faces) = self.measure(runs, size);
        break_lines(&chars, width)
            .into_iter()
            .map(|range| {
                let mut pieces: Vec<Piece> = Vec::new();
                let mut x = 0.0;
                for i in range {
                    let (c, w) = chars[i];
                    match pieces.last_mut() {
                        Some((face, text, _)) if *face == faces[i] => text.push(c),
                        _ => pieces.push((faces[i], c.to_string(), x)),
                    }
                    x += w;
                }
                (pieces, x)
            })
            .collect()
    }

    /// A block of text as element `node`, line by line, moving to a new page where needed.
    fn text(&mut self, node: usize, runs: &[(Face, &str)], size: f32, after: f32) {
        let height = size * LEADING;
        for (pieces, _) in self.lines(runs, size, WIDTH) {
            self.room(height);
            let baseline = self.y + size;
            let paints = pieces
                .into_iter()
                .map(|(face, text, x)| Paint::Text {
                    x: LEFT + x,
                    y: baseline,
                    size,
                    face,
                    text,
                })
                .collect();
            self.item(Mark::Content(node), paints);
            self.y += height;
        }
        self.y += after;
    }

    fn heading(&mut self, level: u8, text: &str) {
        // PDF/UA: a heading has a text. An empty one (never expected) is shown as such.
        let text = if text.trim().is_empty() {
            "(rubrik saknas)"
        } else {
            text
        };
        let (size, before, after) = match level {
            0 => (TITLE_SIZE, 0.0, 14.0),
            1 => (H1_SIZE, 10.0, 6.0),
            _ => (H2_SIZE, 8.0, 4.0),
        };
        if !self.fresh() {
            self.y += before;
        }
        // Kept with at least three lines of what follows.
        self.room(size * LEADING + 3.0 * BODY_SIZE * LEADING);
        if level > 0 {
            self.out.bookmarks.push(Bookmark {
                level,
                text: text.to_string(),
                page: self.out.pages.len() - 1,
                y: self.y,
            });
        }
        let node = self.element(Role::Heading(level + 1, text.to_string()), None);
        self.text(node, &[(Face::Bold, text)], size, after);
    }

    fn para(&mut self, p: &Para) {
        let node = self.element(Role::P, None);
        let mut runs = Vec::new();
        if let Some(lead) = &p.lead {
            runs.push((Face::Bold, lead.as_str()));
        }
        runs.push((Face::Regular, p.text.as_str()));
        self.text(node, &runs, BODY_SIZE, 5.0);
    }

    fn cell(&self, text: &str, face: Face, width: f32, right: bool) -> Cell {
        let inner = width - 2.0 * CELL_PADDING;
        let lines = self
            .lines(&[(face, text)], CELL_SIZE, inner)
            .into_iter()
            .map(|(mut pieces, line_width)| {
                let shift = if right { inner - line_width } else { 0.0 };
                for piece in &mut pieces {
                    piece.2 += shift;
                }
                pieces
            })
            .collect();
        Cell { lines, width }
    }

    fn row_height(cells: &[Cell]) -> f32 {
        let lines = cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(1)
            .max(1);
        lines as f32 * CELL_SIZE * LEADING + 2.0 * CELL_PADDING
    }

    /// A row of cells at the current y: each cell's text as its element (or as layout, for
    /// a repeated header), the frames and the header's shading as layout.
    fn row(&mut self, cells: &[Cell], marks: &[Mark], header: bool) {
        let height = Self::row_height(cells);
        let mut rects = Vec::new();
        let mut x = LEFT;
        for cell in cells {
            rects.push([x, self.y, cell.width, height]);
            x += cell.width;
        }
        // The header's shading before its text, which lies on it.
        if header {
            let fills = rects
                .iter()
                .map(|&rect| Paint::Fill { rect, grey: 230 })
                .collect();
            self.item(Mark::Layout, fills);
        }
        for ((cell, mark), rect) in cells.iter().zip(marks).zip(&rects) {
            let mut paints = Vec::new();
            for (i, line) in cell.lines.iter().enumerate() {
                let baseline = self.y + CELL_PADDING + i as f32 * CELL_SIZE * LEADING + CELL_SIZE;
                for (face, text, dx) in line {
                    paints.push(Paint::Text {
                        x: rect[0] + CELL_PADDING + dx,
                        y: baseline,
                        size: CELL_SIZE,
                        face: *face,
                        text: text.clone(),
                    });
                }
            }
            // An empty cell is still marked, so its TD/TH keeps its place in the row.
            self.item(*mark, paints);
        }
        let frames = rects
            .into_iter()
            .map(|rect| Paint::Frame { rect })
            .collect();
        self.item(Mark::Layout, frames);
        self.y += height;
    }

    fn table(&mut self, t: &Table) {
        let columns = t.header.len().max(1);
        let right = |i: usize| t.numeric.get(i).copied().unwrap_or(false);
        let face_of = |i: usize| if i == 0 { Face::Bold } else { Face::Regular };
        // Natural widths: the widest header or cell of each column on one line.
        let mut natural = vec![0.0f32; columns];
        let width_of = |face: Face, text: &str| -> f32 {
            let (chars, _) = self.measure(&[(face, text)], CELL_SIZE);
            chars.iter().map(|(_, w)| w).sum::<f32>() + 2.0 * CELL_PADDING + 1.0
        };
        for (i, h) in t.header.iter().enumerate().take(columns) {
            natural[i] = natural[i].max(width_of(Face::Bold, h));
        }
        for row in &t.rows {
            for (i, c) in row.iter().enumerate().take(columns) {
                natural[i] = natural[i].max(width_of(face_of(i), c));
            }
        }
        let widths = column_widths(&natural, WIDTH);
        let header: Vec<Cell> = (0..columns)
            .map(|i| {
                let text = t.header.get(i).map_or("", String::as_str);
                self.cell(text, Face::Bold, widths[i], right(i))
            })
            .collect();
        let rows: Vec<Vec<Cell>> = t
            .rows
            .iter()
            .map(|row| {
                (0..columns)
                    .map(|i| {
                        let text = row.get(i).map_or("", String::as_str);
                        self.cell(text, face_of(i), widths[i], right(i))
                    })
                    .collect()
            })
            .collect();

        // The caption, the header and the first row stay together.
        let caption_height = CAPTION_SIZE * LEADING * 2.0;
        let first = rows.first().map_or(0.0, |r| Self::row_height(r));
        self.y += 4.0;
        self.room(caption_height + Self::row_height(&header) + first);
        let table = self.element(Role::Table, None);
        let caption = self.element(Role::Caption, Some(table));
        self.text(caption, &[(Face::Regular, &t.caption)], CAPTION_SIZE, 2.0);
        let head = self.element(Role::THead, Some(table));
        let tr = self.element(Role::TR, Some(head));
        let marks: Vec<Mark> = (0..columns)
            .map(|_| Mark::Content(self.element(Role::Th { row: false }, Some(tr))))
            .collect();
        self.row(&header, &marks, true);
        let body = self.element(Role::TBody, Some(table));
        for cells in &rows {
            if self.y + Self::row_height(cells) > BOTTOM {
                self.new_page();
                // The header row again, as layout: it was read once already.
                self.row(&header, &vec![Mark::Layout; columns], true);
            }
            let tr = self.element(Role::TR, Some(body));
            let marks: Vec<Mark> = (0..columns)
                .map(|i| {
                    let role = if i == 0 {
                        Role::Th { row: true }
                    } else {
                        Role::Td
                    };
                    Mark::Content(self.element(role, Some(tr)))
                })
                .collect();
            self.row(cells, &marks, false);
        }
        self.y += 8.0;
    }

    fn figure(&mut self, alt: &str) {
        let (w, h) = self
            .charts
            .get(self.next_chart)
            .copied()
            .unwrap_or((340.0, 200.0));
        let n = self.next_chart;
        self.next_chart += 1;
        let scale = CHART_SCALE.min(WIDTH / w.max(1.0));
        let (w, h) = (w * scale, h * scale);
        self.y += 4.0;
        self.room(h);
        let rect = [LEFT, self.y, w, h];
        let page = self.out.pages.len() - 1;
        let node = self.element(
            Role::Figure {
                alt: alt.to_string(),
                page,
                rect,
            },
            None,
        );
        self.item(Mark::Content(node), vec![Paint::Chart { n, rect }]);
        self.y += h + 8.0;
    }

    /// "Sida n av N" on every page, as an artifact.
    fn page_numbers(&mut self) {
        let total = self.out.pages.len();
        for n in 0..total {
            let label = format!("Sida {} av {total}", n + 1);
            let (pieces, width) = self
                .lines(&[(Face::Regular, &label)], FOOTER_SIZE, WIDTH)
                .into_iter()
                .next()
                .unwrap_or_default();
            let paints = pieces
                .into_iter()
                .map(|(face, text, x)| Paint::Text {
                    x: (PAGE_WIDTH - width) / 2.0 + x,
                    y: FOOTER_BASELINE,
                    size: FOOTER_SIZE,
                    face,
                    text,
                })
                .collect();
            self.out.pages[n].push(Item {
                mark: Mark::PageNumber,
                paints,
            });
        }
    }
}

/// `doc` on A4 pages; `charts` is each figure's SVG size in pixels, in document order.
pub fn lay_out(doc: &Document, metrics: &Metrics, charts: &[(f32, f32)]) -> Pages {
    let mut layout = Layout {
        metrics,
        charts,
        next_chart: 0,
        out: Pages::default(),
        y: TOP,
    };
    layout.new_page();
    layout.heading(0, &doc.title);
    for (label, value) in &doc.cover {
        layout.para(&Para::led(format!("{label}: "), value));
    }
    for note in &doc.notes {
        layout.para(&Para::plain(note));
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => layout.heading((*level).clamp(1, 2), text),
            Block::Para(p) => layout.para(p),
            Block::Table(t) => layout.table(t),
            Block::Figure { alt, .. } => layout.figure(alt),
            Block::PageBreak => {
                if !layout.fresh() {
                    layout.new_page();
                }
            }
        }
    }
    layout.page_numbers();
    layout.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report_files::fonts;

    /// Every character one unit wide.
    fn chars(text: &str) -> Vec<(char, f32)> {
        text.chars().map(|c| (c, 1.0)).collect()
    }

    fn lines(text: &str, width: f32) -> Vec<String> {
        let chars = chars(text);
        break_lines(&chars, width)
            .into_iter()
            .map(|r| chars[r].iter().map(|(c, _)| c).collect())
            .collect()
    }

    #[test]
    fn text_that_fits_is_one_line() {
        assert_eq!(lines("Läxhjälp i Vivalla", 40.0), ["Läxhjälp i Vivalla"]);
    }

    #[test]
    fn lines_break_at_spaces_and_drop_them() {
        assert_eq!(
            lines("ett två tre fyra fem", 8.0),
            ["ett två", "tre fyra", "fem"]
        );
        // Several spaces at a break vanish too; inside a line they stay.
        assert_eq!(lines("ett  två     tre", 8.0), ["ett  två", "tre"]);
    }

    #[test]
    fn a_line_ends_exactly_at_the_width() {
        assert_eq!(lines("abcd efgh", 4.0), ["abcd", "efgh"]);
        assert_eq!(lines("abcd efgh", 9.0), ["abcd efgh"]);
    }

    #[test]
    fn hard_line_breaks_are_kept_and_empty_lines_stay() {
        assert_eq!(
            lines("Första stycket.\n\nAndra.", 40.0),
            ["Första stycket.", "", "Andra."]
        );
        assert_eq!(lines("", 10.0), [""]);
        assert_eq!(lines("slut\n", 10.0), ["slut", ""]);
    }

    #[test]
    fn a_word_wider_than_the_line_is_split_between_characters() {
        assert_eq!(
            lines("Socialinvesteringsfonden", 10.0),
            ["Socialinve", "steringsfo", "nden"]
        );
        // Even at a width below one character every line holds one.
        assert_eq!(lines("abc", 0.5), ["a", "b", "c"]);
    }

    #[test]
    fn lines_may_break_after_a_hyphen_or_dash() {
        assert_eq!(lines("januari–juni 2026", 10.0), ["januari–", "juni 2026"]);
        assert_eq!(lines("barn-och-unga", 6.0), ["barn-", "och-", "unga"]);
    }

    #[test]
    fn widths_decide_not_the_number_of_characters() {
        // "W" is three units, "i" one: six characters, but "iii WW" is 10 units wide.
        let chars: Vec<(char, f32)> = "iii WW"
            .chars()
            .map(|c| (c, if c == 'W' { 3.0 } else { 1.0 }))
            .collect();
        let got: Vec<String> = break_lines(&chars, 6.0)
            .into_iter()
            .map(|r| chars[r].iter().map(|(c, _)| c).collect())
            .collect();
        assert_eq!(got, ["iii", "WW"]);
    }

    #[test]
    fn no_line_is_wider_than_the_width_and_no_character_is_lost() {
        let text = "Vi har genomfört tolv träffar med 42 elever i Vivalla och Oxhagen under \
                    våren; läxhjälpen har hållits på biblioteket två kvällar i veckan.\nNästa \
                    halvår fortsätter vi med samma upplägg.";
        let chars = chars(text);
        for width in [5.0, 12.0, 30.0, 80.0] {
            let ranges = break_lines(&chars, width);
            let mut kept = String::new();
            for r in &ranges {
                let line: Vec<(char, f32)> = chars[r.clone()].to_vec();
                let w: f32 = line.iter().map(|(_, w)| w).sum();
                assert!(w <= width, "{w} > {width}");
                kept.extend(line.iter().map(|(c, _)| c));
            }
            let all: String = text.chars().filter(|c| !matches!(c, ' ' | '\n')).collect();
            kept.retain(|c| c != ' ');
            assert_eq!(kept, all, "at width {width}");
        }
    }

    #[test]
    fn columns_that_fit_are_stretched_to_the_full_width() {
        let w = column_widths(&[50.0, 50.0, 100.0], 400.0);
        assert_eq!(w, [100.0, 100.0, 200.0]);
    }

    #[test]
    fn narrow_columns_keep_their_width_when_the_table_is_too_wide() {
        // Share 100: the 40 keeps 40, the two wide ones share 260 in proportion 300:150.
        let w = column_widths(&[40.0, 300.0, 150.0], 300.0);
        assert_eq!(w[0], 40.0);
        assert!(
            (w[1] - 173.333).abs() < 1e-2 && (w[2] - 86.667).abs() < 1e-2,
            "{w:?}"
        );
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 1e-3);
    }

    #[test]
    fn characters_the_font_lacks_are_replaced_and_control_characters_dropped() {
        let fonts = fonts::for_tests();
        let m = Metrics::new(&fonts.regular, &fonts.bold).unwrap();
        let shown = |c| m.shown(Face::Regular, c).map(|(c, _)| c);
        assert_eq!(shown('å'), Some('å'));
        assert_eq!(shown('–'), Some('–'));
        assert_eq!(shown('\t'), Some(' '));
        assert_eq!(shown('\u{7}'), None);
        assert_eq!(shown('\u{feff}'), None);
        let cjk = shown('中');
        assert!(matches!(cjk, Some('\u{fffd}' | '?')), "{cjk:?}");
    }

    #[test]
    fn a_long_table_breaks_across_pages_with_its_header_row_repeated_as_layout() {
        // Arrange: 120 rows, three pages or more.
        let fonts = fonts::for_tests();
        let m = Metrics::new(&fonts.regular, &fonts.bold).unwrap();
        let doc = Document {
            title: "Halvårsredovisning".into(),
            cover: vec![],
            notes: vec![],
            blocks: vec![Block::Table(Table {
                caption: "Lång tabell".into(),
                header: vec!["Månad".into(), "Värde".into()],
                rows: (1..=120)
                    .map(|i| vec![format!("Rad {i}"), i.to_string()])
                    .collect(),
                numeric: vec![false, true],
            })],
        };

        // Act
        let laid = lay_out(&doc, &m, &[]);

        // Assert: the header on every page, read (TH, scope column) only on the first.
        assert!(laid.pages.len() >= 3, "{} pages", laid.pages.len());
        for (n, page) in laid.pages.iter().enumerate() {
            let header: Vec<Mark> = page
                .iter()
                .filter(|item| {
                    item.paints
                        .iter()
                        .any(|p| matches!(p, Paint::Text { text, .. } if text == "Månad"))
                })
                .map(|item| item.mark)
                .collect();
            assert_eq!(header.len(), 1, "page {n}");
            match header[0] {
                Mark::Content(e) if n == 0 => {
                    assert_eq!(laid.elements[e].role, Role::Th { row: false })
                }
                mark => assert_eq!((n > 0, mark), (true, Mark::Layout), "page {n}"),
            }
        }
        // Every row once, its first cell a row header.
        let rows = laid
            .elements
            .iter()
            .filter(|e| e.role == Role::Th { row: true })
            .count();
        assert_eq!(rows, 120);
        // Nothing but the page number below the bottom margin or left of the left one.
        for page in &laid.pages {
            for item in page.iter().filter(|i| i.mark != Mark::PageNumber) {
                for paint in &item.paints {
                    match paint {
                        Paint::Text { x, y, .. } => assert!(*x >= LEFT && *y <= BOTTOM),
                        Paint::Frame { rect } | Paint::Fill { rect, .. } => {
                            assert!(rect[1] + rect[3] <= BOTTOM + 0.01, "{rect:?}")
                        }
                        Paint::Chart { .. } => {}
                    }
                }
            }
        }
    }

    #[test]
    fn a_heading_is_kept_with_what_follows_and_bookmarked_where_it_lands() {
        // 32 paragraphs leave room on the first page for the heading (21,6 pt) but not for
        // it and three lines after it: it moves to the next page.
        let fonts = fonts::for_tests();
        let m = Metrics::new(&fonts.regular, &fonts.bold).unwrap();
        let mut blocks: Vec<Block> = (0..32)
            .map(|i| Block::Para(Para::plain(format!("Rad {i}"))))
            .collect();
        blocks.push(Block::Heading {
            level: 1,
            text: "Kostnader".into(),
        });
        blocks.push(Block::Para(Para::plain("Text under rubriken.")));
        let doc = Document {
            title: "Titel".into(),
            cover: vec![],
            notes: vec![],
            blocks,
        };
        let laid = lay_out(&doc, &m, &[]);
        let mark = laid
            .bookmarks
            .iter()
            .find(|b| b.text == "Kostnader")
            .unwrap();
        assert_eq!((mark.level, mark.page, mark.y), (1, 1, TOP), "{mark:?}");
        assert_eq!(laid.pages.len(), 2);
    }
}
