//! The report as an accessible PDF (PDF/UA-1, as DOS-lagen asks of what a kommun publishes),
//! written with [krilla] from the same [`Document`] as the Word file, laid out by
//! [`super::layout`].
//!
//! What a screen reader and a PDF checker see: a tagged structure in reading order — the
//! title as H1, sections as H2 and what is under them as H3 (each with its text as /T), P,
//! Table with Caption, THead/TBody, TH (scope Column in the header row, Row in the first
//! column) and TD, Figure with the chart's text alternative (/Alt) and its BBox; document
//! language sv-SE (catalog and structure root); the title in the Info dictionary and XMP
//! metadata and shown in the window (DisplayDocTitle); bookmarks from the section headings
//! with the measures, flags and text fields under them; page numbers, cell frames, header
//! shading and a table's repeated header row as artifacts; DejaVu Sans embedded (subset) with
//! a ToUnicode map, so the text can be searched and copied; A4 with 2,5 cm margins.
//!
//! krilla's PDF/UA-1 validator is on: a file that would break a rule krilla can check (a
//! figure without alt text, a heading without title, no outline, a glyph without a character,
//! no title, untagged content) is not written at all, and the download answers 500 with a
//! Swedish message and a logged error instead of handing out an inaccessible file.
//!
//! Charts are drawn as vectors from the page's own SVG with krilla-svg (usvg 0.47, the same
//! version resvg draws the Word file's PNG with), their labels as outlines: the chart is a
//! Figure whose /Alt and following table carry its content, and outlined labels cannot fail
//! the validator on a character the font lacks.
//!
//! Why krilla: it is the PDF library typst itself writes its (PDF/UA-1) output with, and it
//! gives exactly what a report needs — tag tree, outline, metadata, font embedding and
//! subsetting, SVG, validation — as a Rust API over our own document model. typst as a
//! library (the alternative named in issue #17) would mean generating typst markup from the
//! model, escaping user text for it, and embedding the compiler, its world and its fonts
//! search, to end up calling krilla anyway; its layout engine would be welcome, but the
//! report's layout is simple enough to do here (line breaking on DejaVu's advance widths,
//! tables that break across pages) and keeps every byte of the page under our tests.

use std::num::NonZeroU16;

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, BBox, ContentTag, Identifier, Node, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::usvg;

use super::fonts::ReportFonts;
use super::layout::{self, Element, Face, Mark, Metrics, PAGE_HEIGHT, PAGE_WIDTH, Paint, Role};
use super::{Block, Document};

/// The document language, in the catalog, the structure root and the XMP metadata.
pub const LANGUAGE: &str = "sv-SE";

struct Faces {
    regular: Font,
    bold: Font,
}

impl Faces {
    fn of(&self, face: Face) -> &Font {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

fn rect([x, y, w, h]: [f32; 4]) -> Option<krilla::geom::Path> {
    let mut path = PathBuilder::new();
    path.push_rect(Rect::from_xywh(x, y, w, h)?);
    path.finish()
}

fn fill(grey: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(grey, grey, grey).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

/// One piece of text, each character its own glyph at the layout's advance width (so the
/// drawn line is exactly as wide as the line breaking measured it).
fn draw_text(
    surface: &mut Surface,
    metrics: &Metrics,
    faces: &Faces,
    (x, y, size, face, text): (f32, f32, f32, Face, &str),
) {
    let glyphs: Vec<KrillaGlyph> = text
        .char_indices()
        .filter_map(|(at, c)| {
            let glyph = metrics.glyph(face, c)?;
            Some(KrillaGlyph::new(
                GlyphId::new(u32::from(glyph.id)),
                glyph.advance,
                0.0,
                0.0,
                0.0,
                at..at + c.len_utf8(),
                None,
            ))
        })
        .collect();
    if glyphs.is_empty() {
        return;
    }
    surface.set_stroke(None);
    surface.set_fill(Some(fill(0)));
    surface.draw_glyphs(
        Point::from_xy(x, y),
        &glyphs,
        faces.of(face).clone(),
        text,
        size,
        false,
    );
}

fn draw(
    surface: &mut Surface,
    paint: &Paint,
    metrics: &Metrics,
    faces: &Faces,
    charts: &[usvg::Tree],
) {
    match paint {
        Paint::Text {
            x,
            y,
            size,
            face,
            text,
        } => draw_text(surface, metrics, faces, (*x, *y, *size, *face, text)),
        Paint::Fill { rect: r, grey } => {
            if let Some(path) = rect(*r) {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(*grey)));
                surface.draw_path(&path);
            }
        }
        Paint::Frame { rect: r } => {
            if let Some(path) = rect(*r) {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(150, 150, 150).into(),
                    width: 0.5,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
        Paint::Chart {
            n,
            rect: [x, y, w, h],
        } => {
            if let (Some(tree), Some(size)) = (charts.get(*n), Size::from_wh(*w, *h)) {
                surface.push_transform(&Transform::from_translate(*x, *y));
                surface.draw_svg(
                    tree,
                    size,
                    SvgSettings {
                        embed_text: false,
                        ..SvgSettings::default()
                    },
                );
                surface.pop();
            }
        }
    }
}

fn tag_of(element: &Element) -> TagKind {
    match &element.role {
        Role::Heading(level, text) => Tag::Hn(
            NonZeroU16::new(u16::from(*level)).unwrap_or(NonZeroU16::MIN),
            Some(text.clone()),
        )
        .into(),
        Role::P => Tag::P.into(),
        Role::Table => Tag::Table.into(),
        Role::Caption => Tag::Caption.into(),
        Role::THead => Tag::THead.into(),
        Role::TBody => Tag::TBody.into(),
        Role::TR => Tag::TR.into(),
        Role::Th { row } => Tag::TH(if *row {
            TableHeaderScope::Row
        } else {
            TableHeaderScope::Column
        })
        .into(),
        Role::Td => Tag::TD.into(),
        Role::Figure { alt, page, rect } => Tag::Figure(Some(alt.clone()))
            .with_bbox(
                Rect::from_xywh(rect[0], rect[1], rect[2], rect[3]).map(|r| BBox::new(*page, r)),
            )
            .into(),
    }
}

/// The structure tree: each element with its child elements (tables, rows) or its marked
/// content (text lines, a chart), in reading order. An element with neither is left out.
fn tag_tree(elements: &[Element], content: &mut [Vec<Identifier>]) -> TagTree {
    let mut children = vec![Vec::new(); elements.len()];
    let mut roots = Vec::new();
    for (i, e) in elements.iter().enumerate() {
        match e.parent {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    fn node(
        i: usize,
        elements: &[Element],
        children: &[Vec<usize>],
        content: &mut [Vec<Identifier>],
    ) -> Option<Node> {
        let mut group = TagGroup::new(tag_of(&elements[i]));
        for &c in &children[i] {
            if let Some(n) = node(c, elements, children, content) {
                group.push(n);
            }
        }
        for id in std::mem::take(&mut content[i]) {
            group.push(id);
        }
        (!group.children.is_empty()).then(|| group.into())
    }
    let mut tree = TagTree::new().with_lang(Some(LANGUAGE.to_string()));
    for i in roots {
        if let Some(n) = node(i, elements, &children, content) {
            tree.push(n);
        }
    }
    tree
}

/// Bookmarks: the sections, and under each its measures, flags and text fields.
fn outline(bookmarks: &[layout::Bookmark]) -> Outline {
    let mut outline = Outline::new();
    let mut section: Option<OutlineNode> = None;
    for b in bookmarks {
        let node = OutlineNode::new(
            b.text.clone(),
            XyzDestination::new(b.page, Point::from_xy(layout::MARGIN, b.y)),
        );
        if b.level <= 1 {
            if let Some(done) = section.replace(node) {
                outline.push_child(done);
            }
        } else if let Some(open) = section.as_mut() {
            open.push_child(node);
        } else {
            outline.push_child(node);
        }
    }
    if let Some(done) = section {
        outline.push_child(done);
    }
    outline
}

fn now() -> DateTime {
    use chrono::{Datelike, Timelike};
    let t = chrono::Utc::now();
    DateTime::new(u16::try_from(t.year()).unwrap_or(2026))
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
}

/// `doc` as a tagged PDF/UA-1 file; the text set in and the charts drawn with `fonts`.
pub fn write(doc: &Document, fonts: &ReportFonts) -> anyhow::Result<Vec<u8>> {
    let metrics = Metrics::new(&fonts.regular, &fonts.bold)?;
    let options = fonts.svg_options();
    let charts = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure { svg, .. } => Some(usvg::Tree::from_str(svg, &options)),
            _ => None,
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sizes: Vec<(f32, f32)> = charts
        .iter()
        .map(|t| (t.size().width(), t.size().height()))
        .collect();
    let laid = layout::lay_out(doc, &metrics, &sizes);

    let font = |data: &std::sync::Arc<Vec<u8>>| {
        Font::new(Data::from(data.clone()), 0)
            .ok_or_else(|| anyhow::anyhow!("krilla could not read the report font"))
    };
    let faces = Faces {
        regular: font(&fonts.regular)?,
        bold: font(&fonts.bold)?,
    };
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| anyhow::anyhow!("PDF/UA-1 configuration: {e:?}"))?;
    let mut pdf = krilla::Document::new_with(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    });

    let mut content: Vec<Vec<Identifier>> = vec![Vec::new(); laid.elements.len()];
    let page_settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| anyhow::anyhow!("A4 is a page size"))?;
    for items in &laid.pages {
        let mut page = pdf.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        for item in items {
            let tag = match item.mark {
                Mark::Content(_)
                    if item.paints.iter().any(|p| matches!(p, Paint::Chart { .. })) =>
                {
                    ContentTag::Other
                }
                Mark::Content(_) => ContentTag::Span(SpanTag::empty()),
                Mark::Layout => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)),
                Mark::PageNumber => {
                    ContentTag::Artifact(Artifact::with_kind(ArtifactType::PageNumber))
                }
            };
            let id = surface.start_tagged(tag);
            for paint in &item.paints {
                draw(&mut surface, paint, &metrics, &faces, &charts);
            }
            surface.end_tagged();
            if let Mark::Content(n) = item.mark {
                content[n].push(id);
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.set_tag_tree(tag_tree(&laid.elements, &mut content));
    pdf.set_outline(outline(&laid.bookmarks));
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .language(LANGUAGE.to_string())
            .creator("Utfall".to_string())
            .creation_date(now()),
    );
    pdf.finish()
        .map_err(|e| anyhow::anyhow!("the PDF could not be written (PDF/UA-1): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report_files::fonts;
    use crate::report_files::{Para, Table};

    #[test]
    fn text_the_font_cannot_show_and_empty_cells_still_make_a_valid_pdf_ua_file() {
        // krilla's PDF/UA-1 validator refuses unmapped glyphs, headings without text and
        // figures without alt text: what a user typed must never trigger that.
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="340" height="200">
            <rect x="10" y="10" width="100" height="50" fill="#1f77b4"/>
            <text x="20" y="120" font-family="sans-serif" font-size="12">jan 26 中</text></svg>"##;
        let doc = Document {
            title: "Halvårsredovisning januari–juni 2026: Test".into(),
            cover: vec![(
                "Satsning".into(),
                "Läxhjälp 中文 \u{1F600}\u{7}\u{feff}".into(),
            )],
            notes: vec![],
            blocks: vec![
                Block::PageBreak,
                Block::Heading {
                    level: 1,
                    text: "".into(),
                },
                Block::Para(Para::plain("")),
                Block::Figure {
                    svg: svg.into(),
                    alt: "Diagram Test: en stapel.".into(),
                },
                Block::Table(Table {
                    caption: String::new(),
                    header: vec![String::new(), "Värde".into()],
                    rows: vec![vec![String::new(), String::new()]],
                    numeric: vec![false, true],
                }),
            ],
        };
        let bytes = write(&doc, &fonts::for_tests()).expect("accepted by the PDF/UA-1 validator");
        assert!(bytes.starts_with(b"%PDF-1.7"));
    }
}
