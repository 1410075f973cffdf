//! Documents: upload (sniffed, size-limited), listing, download with access following the
//! satsning. Set up with fixture builders, on an app without demo data (which has documents of
//! its own).

use app::auth::Role;
use app::document::api::DeleteDocument;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::builders::{InitiativeBuilder, UserBuilder};
use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};

async fn documents(app: &TestApp) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM document")
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

async fn upload(
    user: &TestApp,
    id: i64,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new()
        .text("typ", kind.to_string())
        .part("fil", Part::bytes(bytes).file_name(name.to_string()));
    user.client
        .post(format!("{}/satsningar/{id}/dokument", user.address))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

#[tokio::test]
async fn lead_uploads_a_pdf_and_readers_download_it() {
    let app = spawn_app().await;
    let (lead_user, lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let id = InitiativeBuilder::named("Läxhjälp")
        .led_by(&lead_user)
        .create(&app)
        .await
        .id;
    let other = InitiativeBuilder::named("Skolfam").create(&app).await.id;

    // Act
    let response = upload(&lead, id, "ansokan", "../Ansökan Läxhjälp.PDF", pdf()).await;

    // Assert
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = lead
        .get(&format!("/satsningar/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ansökan Läxhjälp.pdf"), "cleaned name listed");
    let doc: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM document")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    let file = reader
        .get(&format!("/satsningar/{id}/dokument/{doc}"))
        .await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    let disposition = file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Ans%C3%B6kan%20L%C3%A4xhj%C3%A4lp.pdf"),
        "{disposition}"
    );
    assert_eq!(file.bytes().await.unwrap().to_vec(), pdf());

    // Another lead's satsning's document is invisible; anonymous visitors must log in.
    assert_eq!(
        lead.get(&format!("/satsningar/{other}/dokument/{doc}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.with_new_client()
            .get(&format!("/satsningar/{id}/dokument/{doc}"))
            .await
            .status(),
        303
    );
    // The document id under another satsning's path is not found either.
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    assert_eq!(
        evaluator
            .get(&format!("/satsningar/{other}/dokument/{doc}"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_real_xlsx_is_recognised_by_its_content() {
    let app = spawn_app().await;
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let id = InitiativeBuilder::named("Skolfam").create(&app).await.id;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .write_string(0, 0, "Budget")
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let response = upload(&evaluator, id, "ovrigt", "budget.pdf", bytes).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored: (String, String) = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT file_name, content_type FROM document")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(
        stored.0, "budget.xlsx",
        "extension follows the content, not the name"
    );
    assert_eq!(
        stored.1,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
}

#[tokio::test]
async fn bad_uploads_are_refused_in_swedish_and_nothing_is_stored() {
    let app = spawn_app_with(Backend::Sqlite, |config| {
        config.max_upload_bytes = 4096;
    })
    .await;
    let (lead_user, lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let id = InitiativeBuilder::named("Läxhjälp")
        .led_by(&lead_user)
        .create(&app)
        .await
        .id;

    let disguised = upload(
        &lead,
        id,
        "ansokan",
        "ansokan.pdf",
        b"<html><script>alert(1)</script></html>".to_vec(),
    )
    .await;
    assert_eq!(disguised.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        disguised
            .text()
            .await
            .unwrap()
            .contains("inte en PDF-, Word- (.docx) eller Excelfil")
    );

    let mut big = pdf();
    big.resize(8 * 1024, b' ');
    let too_big = upload(&lead, id, "ansokan", "stor.pdf", big).await;
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.text().await.unwrap().contains("för stor"));

    let no_kind = upload(&lead, id, "hemlig", "a.pdf", pdf()).await;
    assert_eq!(no_kind.status(), StatusCode::BAD_REQUEST);
    assert!(
        no_kind
            .text()
            .await
            .unwrap()
            .contains("Välj vilken sorts dokument")
    );

    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    assert_eq!(
        upload(&reader, id, "ansokan", "a.pdf", pdf())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let cross_site = lead
        .client
        .post(format!("{}/satsningar/{id}/dokument", lead.address))
        .header("sec-fetch-site", "cross-site")
        .multipart(
            Form::new()
                .text("typ", "ansokan")
                .part("fil", Part::bytes(pdf()).file_name("a.pdf")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);

    assert_eq!(documents(&app).await, 0);
}

async fn delete_document(user: &TestApp, satsning: i64, doc: i64) -> reqwest::Response {
    let delete = DeleteDocument {
        id: satsning,
        dokument_id: doc,
    };
    user.submit(&format!("/satsningar/{satsning}"), &delete)
        .await
}

#[tokio::test]
async fn a_document_is_deleted_after_confirmation_by_those_who_may_upload() {
    let app = spawn_app().await;
    let (lead_user, lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let id = InitiativeBuilder::named("Läxhjälp")
        .led_by(&lead_user)
        .create(&app)
        .await
        .id;
    assert_eq!(
        upload(&lead, id, "ovrigt", "Protokoll.pdf", pdf())
            .await
            .status(),
        303
    );
    let doc: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM document")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let page = format!("/satsningar/{id}");
    // The page offers the delete behind a confirmation step.
    let html = lead.get(&page).await.text().await.unwrap();
    assert!(html.contains("Ja, ta bort Protokoll.pdf"));

    // A reader may not delete; another satsning's id does not reach the document.
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    assert!(
        !reader
            .get(&page)
            .await
            .text()
            .await
            .unwrap()
            .contains("Ja, ta bort")
    );
    assert_eq!(
        delete_document(&reader, id, doc).await.status(),
        StatusCode::FORBIDDEN
    );
    let other = InitiativeBuilder::named("Familjecentral")
        .led_by(&lead_user)
        .create(&app)
        .await
        .id;
    assert_eq!(
        delete_document(&lead, other, doc).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(documents(&app).await, 1);

    // Act
    let response = delete_document(&lead, id, doc).await;

    // Assert
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(documents(&app).await, 0);
    assert_eq!(
        lead.get(&format!("/satsningar/{id}/dokument/{doc}"))
            .await
            .status(),
        404
    );
    let audited: String = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT changes FROM audit_event WHERE object_type = 'document' AND action = 'delete'",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert!(audited.contains("Protokoll.pdf"), "{audited}");
}
