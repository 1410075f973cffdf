//! Document upload (multipart form, works without JavaScript) and download.
//!
//! The upload route has its own body limit (`UTFALL_MAX_UPLOAD_BYTES`); the content type is
//! sniffed from the bytes (PDF, DOCX, XLSX only) and the stored name is cleaned. A rejected
//! upload renders the satsning page again with a Swedish message and a 4xx status.

use app::document::{DocumentKind, clean_file_name, may_upload, sniff};
use axum::extract::{Request, State};

use crate::access::{VisibleInitiative, refuse_unless};
use crate::edge::Ids;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::startup::AppState;
use crate::uploads;

/// POST /satsningar/{id}/dokument (multipart: `typ`, `fil`).
pub async fn upload(
    State(state): State<AppState>,
    VisibleInitiative { user, initiative }: VisibleInitiative,
    request: Request,
) -> Response {
    let id = initiative.id;
    if let Some(refused) = refuse_unless(
        may_upload(&user, &initiative),
        "Du har inte behörighet att ladda upp dokument här.",
    ) {
        return refused;
    }
    let (mut parts, body) = request.into_parts();
    parts.uri = format!("/satsningar/{id}").parse().expect("valid path");
    let upload =
        match uploads::read(&state, &parts, body, "fil", "Välj en fil att ladda upp.").await {
            Ok(upload) => upload,
            Err(response) => return response,
        };
    let Some(kind) = upload.field("typ").and_then(DocumentKind::from_db) else {
        return uploads::reject(
            &state,
            &parts,
            "Välj vilken sorts dokument det är.".into(),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let (name, bytes) = (upload.name, upload.bytes);
    let Some(file_type) = sniff(&bytes) else {
        return uploads::reject(
            &state,
            &parts,
            "Filen är inte en PDF-, Word- (.docx) eller Excelfil (.xlsx). Spara den i något av de formaten och försök igen.".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        )
        .await;
    };
    let file_name = clean_file_name(&name, file_type);
    let actor = user.actor();
    let document = app::document::repo::NewDocument {
        kind,
        file_name: &file_name,
        file_type,
        content: &bytes,
    };
    match app::document::repo::store(&state.db, actor, id, document, chrono::Utc::now()).await {
        Ok(_) => Redirect::to(&format!("/satsningar/{id}?dokument=1#dokument")).into_response(),
        Err(_) => {
            uploads::reject(
                &state,
                &parts,
                "Dokumentet kunde inte sparas. Försök igen om en stund.".into(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await
        }
    }
}

/// GET /satsningar/{id}/dokument/{doc}
pub async fn download(
    State(state): State<AppState>,
    VisibleInitiative { initiative, .. }: VisibleInitiative,
    Ids((_, doc)): Ids<(i64, i64)>,
) -> Response {
    let id = initiative.id;
    let not_found = || (StatusCode::NOT_FOUND, "Dokumentet finns inte.").into_response();
    let Ok((file_name, content_type, bytes)) =
        app::document::repo::content(&state.db, id, doc).await
    else {
        return not_found();
    };
    let disposition = crate::exports::attachment(&file_name);
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(&content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response()
}
