//! Document upload (multipart form, works without JavaScript) and download.
//!
//! The upload route has its own body limit (`UTFALL_MAX_UPLOAD_BYTES`); the content type is
//! sniffed from the bytes (PDF, DOCX, XLSX only) and the stored name is cleaned. A rejected
//! upload renders the satsning page again with a Swedish message and a 4xx status.

use app::auth::CurrentUser;
use app::document::{DocumentKind, clean_file_name, may_upload, sniff};
use app::form::FormState;
use app::initiative::may_view;
use axum::Extension;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::forms::render_page;
use crate::startup::AppState;

/// POST /satsningar/{id}/dokument (multipart: `typ`, `fil`).
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    let Some(user) = request.extensions().get::<CurrentUser>().cloned() else {
        return Redirect::to(&format!("/logga-in?nasta=/satsningar/{id}")).into_response();
    };
    let initiative = match app::initiative::repo::get(&state.db, user.organisation_id, id).await {
        Ok(initiative) if may_view(&user, &initiative) => initiative,
        _ => return (StatusCode::NOT_FOUND, "Satsningen finns inte.").into_response(),
    };
    if !may_upload(&user, &initiative) {
        return (
            StatusCode::FORBIDDEN,
            "Du har inte behörighet att ladda upp dokument här.",
        )
            .into_response();
    }
    let (mut parts, body) = request.into_parts();
    parts.uri = format!("/satsningar/{id}").parse().expect("valid path");
    let rejected = |message: String, status: StatusCode| {
        let form = FormState {
            summary: Some(message),
            ..FormState::default()
        };
        render_page(&state, parts.clone(), form, status)
    };

    let mut multipart =
        match Multipart::from_request(Request::from_parts(parts.clone(), body), &state).await {
            Ok(multipart) => multipart,
            Err(_) => {
                return rejected(
                    "Formuläret kunde inte läsas. Välj filen igen.".into(),
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
        };
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("typ") => {
                    kind = field
                        .text()
                        .await
                        .ok()
                        .and_then(|t| DocumentKind::from_db(&t))
                }
                Some("fil") => {
                    let name = field.file_name().unwrap_or_default().to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes.to_vec())),
                        Err(_) => {
                            let limit = state.max_upload_bytes / (1024 * 1024);
                            return rejected(
                                format!(
                                    "Filen är för stor. Största tillåtna storlek är {limit} MB."
                                ),
                                StatusCode::PAYLOAD_TOO_LARGE,
                            )
                            .await;
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                let limit = state.max_upload_bytes / (1024 * 1024);
                return rejected(
                    format!("Filen är för stor eller kom inte fram. Största tillåtna storlek är {limit} MB."),
                    StatusCode::PAYLOAD_TOO_LARGE,
                )
                .await;
            }
        }
    }
    let Some(kind) = kind else {
        return rejected(
            "Välj vilken sorts dokument det är.".into(),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return rejected("Välj en fil att ladda upp.".into(), StatusCode::BAD_REQUEST).await;
    };
    let Some(file_type) = sniff(&bytes) else {
        return rejected(
            "Filen är inte en PDF-, Word- (.docx) eller Excelfil (.xlsx). Spara den i något av de formaten och försök igen.".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        )
        .await;
    };
    let file_name = clean_file_name(&name, file_type);
    let actor = app::auth::repo::Actor {
        user_id: user.id,
        organisation_id: user.organisation_id,
    };
    let document = app::document::repo::NewDocument {
        kind,
        file_name: &file_name,
        file_type,
        content: &bytes,
    };
    match app::document::repo::store(&state.db, actor, id, document, chrono::Utc::now()).await {
        Ok(_) => Redirect::to(&format!("/satsningar/{id}?dokument=1#dokument")).into_response(),
        Err(_) => {
            rejected(
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
    user: Option<Extension<CurrentUser>>,
    Path((id, doc)): Path<(i64, i64)>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Dokumentet finns inte.").into_response();
    let Some(Extension(user)) = user else {
        return Redirect::to(&format!("/logga-in?nasta=/satsningar/{id}")).into_response();
    };
    match app::initiative::repo::get(&state.db, user.organisation_id, id).await {
        Ok(initiative) if may_view(&user, &initiative) => {}
        _ => return not_found(),
    }
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
