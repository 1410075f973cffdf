//! The half-year report as files: the Word download read back (heading styles, a table with
//! the measure, every picture with alternative text, the submitted snapshot's numbers), and
//! the same access as the report page.

use std::io::Read;

use app::auth::Role;
use reqwest::StatusCode;

use crate::builders::UserBuilder;
use crate::halfyear::{HALF, page, satsning, write_and_submit};
use crate::helpers::{TestApp, spawn_app};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";

fn docx_path(initiative: i64) -> String {
    format!("{}/redovisning.docx", page(initiative))
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
    let path = docx_path(initiative.id);

    // The satsning's projektledare and the beredningsgrupp may download the draft.
    for browser in [&lead_browser, &beredning] {
        assert_eq!(browser.get(&path).await.status(), StatusCode::OK);
    }
    // Another satsning's projektledare and another organisation's admin: not found.
    for browser in [&other_lead, &foreign_admin] {
        let response = browser.get(&path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(!response.text().await.unwrap().contains("Halvårstest"));
    }
    // A half-year the satsning does not report on, or no half-year at all: not found.
    for wrong in ["2024-H1", "2026-H3", "nästa"] {
        let path = format!(
            "/satsningar/{}/halvar/{wrong}/redovisning.docx",
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
        "{}",
        anonymous.status()
    );
    // The report page links the download.
    let html = lead_browser
        .get(&page(initiative.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("href=\"{path}\"")),
        "the page links {path}"
    );
}
