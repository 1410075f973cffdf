//! The half-year report as files: the Word download read back (heading styles, a table with
//! the measure, every picture with alternative text, the submitted snapshot's numbers), the PDF
//! read back with lopdf (language, tagging, headings and figures with alt text, bookmarks, the
//! title shown in the window, the text typed), and the same access as the report page.

use std::io::Read;

use app::auth::Role;
use reqwest::StatusCode;

use crate::builders::UserBuilder;
use crate::halfyear::{HALF, all_texts, page, satsning, texts, write_and_submit};
use crate::helpers::{TestApp, spawn_app};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";

fn docx_path(initiative: i64) -> String {
    format!("{}/redovisning.docx", page(initiative))
}

fn pdf_path(initiative: i64) -> String {
    format!("{}/redovisning.pdf", page(initiative))
}

/// GET `path` as `browser`: 200 and the body.
async fn download(browser: &TestApp, path: &str, content_type: &str) -> Vec<u8> {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    assert_eq!(response.headers()["content-type"], content_type);
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains(HALF),
        "{disposition}"
    );
    response.bytes().await.unwrap().to_vec()
}

/// A part of the .docx zip as text.
fn part(zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> String {
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the .docx"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The text of a Word paragraph or cell.
fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.has_tag_name((W, "t")))
        .filter_map(|n| n.text())
        .collect()
}

/// The paragraphs in style `style`, by their text.
fn styled(doc: &roxmltree::Document, style: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .filter(|p| {
            p.descendants()
                .any(|n| n.has_tag_name((W, "pStyle")) && n.attribute((W, "val")) == Some(style))
        })
        .map(text_of)
        .collect()
}

#[tokio::test]
async fn the_word_file_has_heading_styles_tables_and_charts_with_alt_text() {
    // Arrange: a submitted report (June's value 41,5 %), then June corrected to 57,5 %.
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    write_and_submit(&browser, initiative.id, HALF).await;
    crate::halfyear::save_value(&app, &lead, initiative.id, e1, 6, 57.5).await;

    // Act
    let bytes = download(
        &browser,
        &docx_path(initiative.id),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    .await;

    // Assert: Word's heading styles, defined as headings with outline levels.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let styles = part(&mut zip, "word/styles.xml");
    let styles = roxmltree::Document::parse(&styles).unwrap();
    for (id, level) in [("Heading1", "0"), ("Heading2", "1")] {
        let style = styles
            .descendants()
            .find(|n| n.has_tag_name((W, "style")) && n.attribute((W, "styleId")) == Some(id))
            .unwrap_or_else(|| panic!("style {id}"));
        let outline = style
            .descendants()
            .find(|n| n.has_tag_name((W, "outlineLvl")))
            .and_then(|n| n.attribute((W, "val")));
        assert_eq!(outline, Some(level), "{id} is a heading");
    }
    let xml = part(&mut zip, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("document.xml is XML");
    let title = styled(&doc, "Title");
    assert_eq!(title.len(), 1);
    assert!(title[0].contains("Halvårstest"), "{title:?}");
    let h1 = styled(&doc, "Heading1");
    for section in [
        "Mått och värden",
        "Rapportering",
        "Avvikelser under halvåret",
        "Enkäter",
        "Kostnader",
        "Projektledarens redovisning",
        "Versioner och granskning",
    ] {
        assert!(h1.iter().any(|h| h == section), "{section} in {h1:?}");
    }
    let h2 = styled(&doc, "Heading2");
    assert!(h2.iter().any(|h| h == "E1 Andel i arbete"), "{h2:?}");
    assert!(h2.iter().any(|h| h == "Genomförande"), "{h2:?}");
    // The cover: status and half-year.
    let paragraphs: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(text_of)
        .collect();
    assert!(paragraphs.iter().any(|p| p == "Status: Inskickad"));
    assert!(
        paragraphs
            .iter()
            .any(|p| p.starts_with("Halvår: ") && p.contains("2026-H1"))
    );
    assert!(
        paragraphs
            .iter()
            .any(|p| p.starts_with("Nyare uppgifter finns."))
    );
    assert!(paragraphs.iter().any(|p| p == "Klart: Genomförande."));

    // A real table for the measure, with the submitted June value and not the correction.
    let table = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .find(|t| {
            t.descendants().any(|n| {
                n.has_tag_name((W, "tblCaption"))
                    && n.attribute((W, "val")) == Some("Tabell: E1 Andel i arbete")
            })
        })
        .expect("a table for E1");
    let rows: Vec<Vec<String>> = table
        .children()
        .filter(|n| n.has_tag_name((W, "tr")))
        .map(|tr| {
            tr.children()
                .filter(|n| n.has_tag_name((W, "tc")))
                .map(text_of)
                .collect()
        })
        .collect();
    assert_eq!(rows[0][0], "Period");
    assert!(
        rows.iter().any(|r| r[0] == "jun 26" && r[1] == "41,5"),
        "{rows:?}"
    );
    assert!(
        !rows.iter().any(|r| r[1] == "57,5"),
        "the snapshot, not today's value"
    );

    // Every picture has alternative text, and its PNG is in the file.
    let pictures: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((WP, "docPr")))
        .map(|n| n.attribute("descr").unwrap_or_default())
        .collect();
    assert_eq!(pictures.len(), 1, "one chart");
    assert!(
        pictures.iter().all(|d| !d.trim().is_empty()),
        "{pictures:?}"
    );
    assert!(pictures[0].contains("E1 Andel i arbete"), "{pictures:?}");
    let mut png = Vec::new();
    zip.by_name("word/media/diagram1.png")
        .unwrap()
        .read_to_end(&mut png)
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let core = part(&mut zip, "docProps/core.xml");
    assert!(core.contains("<dc:language>sv-SE</dc:language>"));
    assert!(core.contains("<dc:title>Halvårsredovisning"));
}

#[tokio::test]
async fn the_files_follow_the_report_pages_access() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, other_lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, beredning) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let elsewhere = crate::builders::other_organisation(&app).await;
    let (_, foreign_admin) = UserBuilder::with_role(Role::Admin)
        .of_organisation(elsewhere)
        .login(&app)
        .await;
    let html = lead_browser
        .get(&page(initiative.id))
        .await
        .text()
        .await
        .unwrap();

    for (extension, path) in [
        ("docx", docx_path(initiative.id)),
        ("pdf", pdf_path(initiative.id)),
    ] {
        // The satsning's projektledare and the beredningsgrupp may download the draft.
        for browser in [&lead_browser, &beredning] {
            assert_eq!(browser.get(&path).await.status(), StatusCode::OK, "{path}");
        }
        // Another satsning's projektledare and another organisation's admin: not found.
        for browser in [&other_lead, &foreign_admin] {
            let response = browser.get(&path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(!response.text().await.unwrap().contains("Halvårstest"));
        }
        // A half-year the satsning does not report on, or no half-year at all: not found.
        for wrong in ["2024-H1", "2026-H3", "nästa"] {
            let path = format!(
                "/satsningar/{}/halvar/{wrong}/redovisning.{extension}",
                initiative.id
            );
            assert_eq!(
                lead_browser.get(&path).await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        // Logged out: to the login, nothing of the report.
        let anonymous = app.with_new_client().get(&path).await;
        assert!(
            anonymous.status().is_redirection(),
            "{path}: {}",
            anonymous.status()
        );
        // The report page links the download.
        assert!(
            html.contains(&format!("href=\"{path}\"")),
            "the page links {path}"
        );
    }
    assert!(html.contains("Ladda ner som PDF"));
}

/// A PDF text string (UTF-16BE with a byte-order mark, or PDFDocEncoding) as text.
fn text(object: &lopdf::Object) -> String {
    lopdf::decode_text_string(object).unwrap_or_default()
}

/// `object`, following a reference.
fn deref<'a>(pdf: &'a lopdf::Document, object: &'a lopdf::Object) -> &'a lopdf::Object {
    pdf.dereference(object).map(|(_, o)| o).unwrap_or(object)
}

/// A structure element: its type, /Alt and /T.
type Element = (String, Option<String>, Option<String>);

/// Every structure element under `node` (a /K entry: a dictionary, a reference, an array of
/// them, or marked-content ids), depth first: its type and its /Alt and /T when present.
fn elements(pdf: &lopdf::Document, node: &lopdf::Object, out: &mut Vec<Element>) {
    match deref(pdf, node) {
        lopdf::Object::Array(items) => {
            for item in items {
                elements(pdf, item, out);
            }
        }
        lopdf::Object::Dictionary(dict) => {
            if let Ok(kind) = dict.get(b"S").and_then(|s| s.as_name()) {
                let field = |key: &[u8]| dict.get(key).ok().map(|o| text(deref(pdf, o)));
                out.push((
                    String::from_utf8_lossy(kind).into_owned(),
                    field(b"Alt"),
                    field(b"T"),
                ));
            }
            if let Ok(kids) = dict.get(b"K") {
                elements(pdf, kids, out);
            }
        }
        _ => {}
    }
}

/// The titles of the outline items under `first` and their siblings, each with its children.
fn bookmarks(pdf: &lopdf::Document, first: Option<&lopdf::Object>) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut next = first.map(|o| deref(pdf, o));
    while let Some(lopdf::Object::Dictionary(item)) = next {
        let title = item
            .get(b"Title")
            .map(|t| text(deref(pdf, t)))
            .unwrap_or_default();
        let children = bookmarks(pdf, item.get(b"First").ok())
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        out.push((title, children));
        next = item.get(b"Next").ok().map(|o| deref(pdf, o));
    }
    out
}

#[tokio::test]
async fn the_pdf_is_tagged_swedish_titled_with_bookmarks_and_alt_text() {
    // Arrange: the draft's Genomförande written with a paragraph long enough to wrap and a
    // line break, the other texts short.
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let mut narrative = all_texts("Utkast");
    let written = "Läxhjälpen nådde 42 elever i Vivalla under våren. Vi har haft tolv \
                   träffar på biblioteket, två kvällar i veckan, med tre anställda och fyra \
                   volontärer från gymnasiet som hjälper till med matematik och svenska.\n\
                   Nästa halvår börjar vi i Oxhagen.";
    let key = app::halfyear::NARRATIVES[0].0;
    narrative.text.insert(key.into(), written.into());
    let at = page(initiative.id);
    assert_eq!(
        browser
            .submit(&at, &texts(initiative.id, narrative))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Act
    let bytes = download(&browser, &pdf_path(initiative.id), "application/pdf").await;

    // Assert: a PDF lopdf reads.
    assert!(bytes.starts_with(b"%PDF-1.7"), "a PDF 1.7 file");
    let pdf = lopdf::Document::load_mem(&bytes).expect("lopdf reads the PDF");
    let catalog = pdf.catalog().unwrap();
    // Document language and tagging.
    assert_eq!(text(catalog.get(b"Lang").unwrap()), "sv-SE");
    let mark_info = deref(&pdf, catalog.get(b"MarkInfo").unwrap())
        .as_dict()
        .unwrap();
    assert!(mark_info.get(b"Marked").unwrap().as_bool().unwrap());
    // The title shown in the window, in the Info dictionary and in the XMP metadata.
    let preferences = deref(&pdf, catalog.get(b"ViewerPreferences").unwrap())
        .as_dict()
        .unwrap();
    assert!(
        preferences
            .get(b"DisplayDocTitle")
            .unwrap()
            .as_bool()
            .unwrap()
    );
    let info = deref(&pdf, pdf.trailer.get(b"Info").unwrap())
        .as_dict()
        .unwrap();
    let title = text(deref(&pdf, info.get(b"Title").unwrap()));
    assert!(
        title.starts_with("Halvårsredovisning januari–juni 2026") && title.contains("Halvårstest"),
        "{title}"
    );
    let xmp = deref(&pdf, catalog.get(b"Metadata").unwrap())
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8(
        xmp.decompressed_content()
            .unwrap_or_else(|_| xmp.content.clone()),
    )
    .unwrap();
    assert!(xmp.contains(&title), "the title in XMP");
    assert!(xmp.contains("pdfuaid"), "claims PDF/UA-1: {xmp}");

    // The structure tree: H1 the title, H2 the sections, H3 under them, a table with header
    // cells, and every figure with its text alternative.
    let root = deref(&pdf, catalog.get(b"StructTreeRoot").unwrap())
        .as_dict()
        .unwrap();
    let mut found = Vec::new();
    elements(&pdf, root.get(b"K").unwrap(), &mut found);
    let of = |kind: &str| -> Vec<&Element> { found.iter().filter(|(k, _, _)| k == kind).collect() };
    let h1 = of("H1");
    assert_eq!(h1.len(), 1, "one H1: {h1:?}");
    assert_eq!(h1[0].2.as_deref(), Some(title.as_str()));
    let h2: Vec<&str> = of("H2").iter().filter_map(|e| e.2.as_deref()).collect();
    for section in [
        "Mått och värden",
        "Rapportering",
        "Avvikelser under halvåret",
        "Enkäter",
        "Kostnader",
        "Projektledarens redovisning",
    ] {
        assert!(h2.contains(&section), "{section} in {h2:?}");
    }
    let h3: Vec<&str> = of("H3").iter().filter_map(|e| e.2.as_deref()).collect();
    assert!(h3.contains(&"E1 Andel i arbete"), "{h3:?}");
    assert!(h3.contains(&"Genomförande"), "{h3:?}");
    let figures = of("Figure");
    assert_eq!(figures.len(), 1, "one chart: {figures:?}");
    for (_, alt, _) in &figures {
        let alt = alt.as_deref().unwrap_or_default();
        assert!(alt.contains("E1 Andel i arbete"), "alt text: {alt:?}");
    }
    for kind in ["Table", "Caption", "TH", "TD", "TR", "P"] {
        assert!(!of(kind).is_empty(), "a {kind} element");
    }

    // Bookmarks: the sections, with the measure under its section.
    let outlines = deref(&pdf, catalog.get(b"Outlines").unwrap())
        .as_dict()
        .unwrap();
    let marks = bookmarks(&pdf, outlines.get(b"First").ok());
    let sections: Vec<&str> = marks.iter().map(|(t, _)| t.as_str()).collect();
    assert!(sections.contains(&"Mått och värden"), "{sections:?}");
    assert!(
        sections.contains(&"Projektledarens redovisning"),
        "{sections:?}"
    );
    let measures = &marks
        .iter()
        .find(|(t, _)| t == "Mått och värden")
        .unwrap()
        .1;
    assert!(
        measures.contains(&"E1 Andel i arbete".to_string()),
        "{measures:?}"
    );

    // The text as typed, searchable: its first line, and the line after the break.
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    assert!(pages.len() > 2, "a cover and sections on their own pages");
    let extracted = pdf.extract_text(&pages).unwrap();
    assert!(
        extracted.contains("Läxhjälpen nådde 42 elever"),
        "{extracted}"
    );
    assert!(
        extracted.contains("Nästa halvår börjar vi i Oxhagen."),
        "{extracted}"
    );
    assert!(
        extracted.contains(&format!("Sida 1 av {}", pages.len())),
        "page numbers"
    );
}
