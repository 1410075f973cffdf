//! The report as Word (.docx), written as WordprocessingML by hand into a zip (the `zip` crate
//! the xlsx export already uses). Why not a .docx crate: `docx-rs` 0.4 cannot give a picture
//! its alternative text (`wp:docPr/@descr`), which is the point of a chart in a public
//! document, and it would add a second zip and quick-xml to the tree; the part of OOXML a
//! report needs — styles, headings, tables, inline pictures, core properties — is small.
//!
//! What Word sees: the cover in the *Title* style; every section heading in *Heading 1* and the
//! headings under it in *Heading 2* (real heading styles with outline levels, so the navigation
//! pane, a table of contents and screen readers find them); tables as Word tables with a
//! repeated header row and a caption (`w:tblCaption`); charts as PNG (drawn from the same SVG
//! as the page with resvg, at twice its size) with the chart's text alternative in `descr`.
//! PNG rather than SVG: every Word and LibreOffice a förvaltning edits with shows it, and an
//! SVG picture would need a PNG fallback anyway. Document language sv-SE.

use std::io::Write;

use zip::write::SimpleFileOptions;

use super::fonts::{self, ReportFonts};
use super::{Block, Document, Para, Table};

/// English Metric Units per CSS pixel (914 400 per inch, 96 px per inch).
const EMU_PER_PX: f32 = 9525.0;
/// The chart is shown 1,5 × its SVG size: 340 px → 12,8 cm, comfortably inside the margins.
const SHOWN_SCALE: f32 = 1.5;
/// Rendered at twice its SVG size, sharp when printed at the shown size.
const PNG_SCALE: f32 = 2.0;

/// Text for XML: escaped, and without the control characters XML 1.0 forbids.
pub use app::html::escape_markup as escape;

/// Runs for `text`, its line breaks kept as `w:br`.
fn runs(text: &str, bold: bool) -> String {
    let props = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
    text.replace("\r\n", "\n")
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            let brk = if i > 0 { "<w:br/>" } else { "" };
            format!(
                "<w:r>{props}{brk}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                escape(line)
            )
        })
        .collect()
}

fn paragraph(style: Option<&str>, body: &str) -> String {
    let props = style
        .map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"))
        .unwrap_or_default();
    format!("<w:p>{props}{body}</w:p>")
}

fn para(p: &Para) -> String {
    let lead = p.lead.as_deref().map(|l| runs(l, true)).unwrap_or_default();
    paragraph(None, &format!("{lead}{}", runs(&p.text, false)))
}

fn cell(text: &str, header: bool, right: bool) -> String {
    let jc = if right {
        "<w:pPr><w:jc w:val=\"right\"/></w:pPr>"
    } else {
        ""
    };
    format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr><w:p>{jc}{}</w:p></w:tc>",
        runs(text, header)
    )
}

fn table(t: &Table) -> String {
    let columns = t.header.len().max(1);
    // 9 026 twips between the margins of an A4 page with 2,5 cm margins.
    let width = 9026 / columns;
    let mut xml = paragraph(Some("Caption"), &runs(&t.caption, false));
    xml.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/>\
         <w:tblLook w:val=\"0420\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/>\
         <w:tblCaption w:val=\"{}\"/></w:tblPr><w:tblGrid>",
        escape(&t.caption)
    ));
    for _ in 0..columns {
        xml.push_str(&format!("<w:gridCol w:w=\"{width}\"/>"));
    }
    xml.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (i, h) in t.header.iter().enumerate() {
        xml.push_str(&cell(h, true, t.numeric.get(i).copied().unwrap_or(false)));
    }
    xml.push_str("</w:tr>");
    for row in &t.rows {
        xml.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (i, c) in row.iter().enumerate() {
            // The first column names the row, as the page's `th scope="row"`.
            xml.push_str(&cell(c, i == 0, t.numeric.get(i).copied().unwrap_or(false)));
        }
        xml.push_str("</w:tr>");
    }
    xml.push_str("</w:tbl>");
    xml
}

/// An inline picture `r:embed`-ing relationship `rel`, `n` its unique id.
fn picture(n: usize, rel: &str, alt: &str, width_px: f32, height_px: f32) -> String {
    let (cx, cy) = (
        (width_px * SHOWN_SCALE * EMU_PER_PX) as u64,
        (height_px * SHOWN_SCALE * EMU_PER_PX) as u64,
    );
    let alt = escape(alt);
    format!(
        "<w:p><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing>\
         <wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
         <wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>\
         <wp:docPr id=\"{n}\" name=\"Diagram {n}\" descr=\"{alt}\"/>\
         <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
         <a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
         <pic:pic><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"diagram{n}.png\" descr=\"{alt}\"/><pic:cNvPicPr/></pic:nvPicPr>\
         <pic:blipFill><a:blip r:embed=\"{rel}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
         <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>\
         <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>\
         </a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
}

const NAMESPACES: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
     xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
     xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
     xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
     xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Utfall</Application></Properties>"#;

/// Normal, Title, Heading 1–2 (with outline levels), Caption and Table Grid; Swedish text.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/></w:pPr><w:rPr><w:i/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style></w:styles>"#;

fn core(title: &str) -> String {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>Utfall</dc:creator><dc:language>sv-SE</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>"#,
        escape(title)
    )
}

/// `doc` as a .docx file; the charts drawn with `fonts`.
pub fn write(doc: &Document, fonts: &ReportFonts) -> anyhow::Result<Vec<u8>> {
    let mut body = String::new();
    body.push_str(&paragraph(Some("Title"), &runs(&doc.title, false)));
    for (label, value) in &doc.cover {
        body.push_str(&para(&Para::led(format!("{label}: "), value)));
    }
    for note in &doc.notes {
        body.push_str(&para(&Para::plain(note)));
    }
    let mut images: Vec<(String, Vec<u8>)> = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let style = if *level <= 1 { "Heading1" } else { "Heading2" };
                body.push_str(&paragraph(Some(style), &runs(text, false)));
            }
            Block::Para(p) => body.push_str(&para(p)),
            Block::Table(t) => body.push_str(&table(t)),
            Block::Figure { svg, alt } => {
                let (png, width, height) = fonts::png(fonts, svg, PNG_SCALE)?;
                let n = images.len() + 1;
                let rel = format!("rIdBild{n}");
                body.push_str(&picture(
                    n,
                    &rel,
                    alt,
                    width as f32 / PNG_SCALE,
                    height as f32 / PNG_SCALE,
                ));
                images.push((rel, png));
            }
            Block::PageBreak => body.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
        }
    }
    // A4 with 2,5 cm margins.
    body.push_str(
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1418\" w:right=\"1440\" w:bottom=\"1418\" w:left=\"1440\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr>",
    );
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>"
    );
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
    );
    for (i, (rel, _)) in images.iter().enumerate() {
        rels.push_str(&format!(
            "<Relationship Id=\"{rel}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/diagram{}.png\"/>",
            i + 1
        ));
    }
    rels.push_str("</Relationships>");

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    // PNG is compressed already.
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("docProps/app.xml", APP.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, deflated)?;
        zip.write_all(bytes)?;
    }
    zip.start_file("docProps/core.xml", deflated)?;
    zip.write_all(core(&doc.title).as_bytes())?;
    for (i, (_, png)) in images.iter().enumerate() {
        zip.start_file(format!("word/media/diagram{}.png", i + 1), stored)?;
        zip.write_all(png)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(escape("rad 1\nrad 2"), "rad 1\nrad 2");
    }

    #[test]
    fn line_breaks_become_word_breaks() {
        let xml = runs("ett\ntvå", false);
        assert_eq!(xml.matches("<w:br/>").count(), 1);
        assert!(xml.contains(">två<"));
    }
}
