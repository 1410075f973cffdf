//! Upload of a file of enhetskostnader (multipart, works without JavaScript): read into lines
//! (CSV in UTF-8 or Windows-1252, or .xlsx), staged, and the user sent to the preview, where
//! every line is checked and nothing is saved until they confirm. A file that cannot be read
//! at all renders the import page again with a Swedish message and a 4xx status.

use app::auth::CurrentUser;
use app::sv::csv::{decode_text, parse_csv};
use axum::Extension;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::access::refuse_unless;
use crate::startup::AppState;
use crate::uploads;

/// POST /enhetskostnader/import/fil (multipart: `fil`).
pub async fn upload(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    let Some(Extension(user)) = user else {
        return (StatusCode::UNAUTHORIZED, "Logga in för att importera.").into_response();
    };
    if let Some(refused) = refuse_unless(
        app::economics::may_edit_register(&user),
        "Bara utvärderare och processledare kan importera enhetskostnader.",
    ) {
        return refused;
    }
    let (mut parts, body) = request.into_parts();
    parts.uri = "/enhetskostnader/import".parse().expect("valid path");
    let upload =
        match uploads::read(&state, &parts, body, "fil", "Välj en fil att importera.").await {
            Ok(upload) => upload,
            Err(response) => return response,
        };
    let (name, bytes) = (upload.name, upload.bytes);
    let rejected =
        |message: String, status: StatusCode| uploads::reject(&state, &parts, message, status);
    let table = if bytes.starts_with(b"PK\x03\x04") {
        match crate::value_imports::read_xlsx(&bytes) {
            Some(table) => table,
            None => {
                return rejected(
                    "Excelfilen kunde inte läsas. Spara den som .xlsx eller CSV och försök igen."
                        .into(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    } else if bytes.contains(&0) {
        return rejected(
            "Filen är varken CSV eller Excel (.xlsx).".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        )
        .await;
    } else {
        parse_csv(&decode_text(&bytes))
    };
    let lines = match app::economics::import::lines_from_table(table) {
        Ok(lines) => lines,
        Err(message) => return rejected(message, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let file_name: String = name.chars().take(200).collect();
    match app::economics::repo::stage_import(
        &state.db,
        user.actor(),
        &file_name,
        &lines,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(import) => Redirect::to(&format!("/enhetskostnader/import/{import}")).into_response(),
        Err(_) => {
            rejected(
                "Filen kunde inte tas emot. Försök igen om en stund.".into(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await
        }
    }
}
