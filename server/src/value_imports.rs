//! Upload of a values file for import (multipart, works without JavaScript). The file is read
//! into rows (CSV in UTF-8 or the Windows-1252 that Swedish Excel writes, or .xlsx), staged in
//! the database, and the user is sent to the preview, where every row is checked and nothing is
//! saved until they confirm. A file that cannot be read at all renders the import page again
//! with a Swedish message and a 4xx status.

use app::report::import::rows_from_table;
use app::sv::csv::{decode_text, parse_csv};
use axum::extract::{Request, State};

use crate::access::{VisibleInitiative, refuse_unless};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::startup::AppState;
use crate::uploads;

/// POST /satsningar/{id}/import/fil (multipart: `fil`).
pub async fn upload(
    State(state): State<AppState>,
    VisibleInitiative { user, initiative }: VisibleInitiative,
    request: Request,
) -> Response {
    let id = initiative.id;
    if let Some(refused) = refuse_unless(
        app::report::month::may_report(&user, &initiative),
        "Du har inte behörighet att importera värden för den här satsningen.",
    ) {
        return refused;
    }
    let (mut parts, body) = request.into_parts();
    parts.uri = format!("/satsningar/{id}/import")
        .parse()
        .expect("valid path");
    let upload =
        match uploads::read(&state, &parts, body, "fil", "Välj en fil att importera.").await {
            Ok(upload) => upload,
            Err(response) => return response,
        };
    let (name, bytes) = (upload.name, upload.bytes);
    let rejected =
        |message: String, status: StatusCode| uploads::reject(&state, &parts, message, status);
    let table = if bytes.starts_with(b"PK\x03\x04") {
        match read_xlsx(&bytes) {
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
    let rows = match rows_from_table(table) {
        Ok(rows) => rows,
        Err(message) => return rejected(message, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let actor = user.actor();
    let file_name: String = name.chars().take(200).collect();
    match app::report::file_repo::stage_import(
        &state.db,
        actor,
        id,
        &file_name,
        &rows,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(import) => Redirect::to(&format!("/satsningar/{id}/import/{import}")).into_response(),
        Err(_) => {
            rejected(
                "Filen kunde inte tas emot. Försök igen om en stund.".into(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await
        }
    }
}

/// The first worksheet as text cells; numbers written the Swedish way (decimal comma).
pub(crate) fn read_xlsx(bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).ok()?;
    let range = book.worksheet_range_at(0)?.ok()?;
    Some(
        range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Data::Float(f) => app::sv::number::plain_decimal(*f),
                        Data::Int(i) => i.to_string(),
                        Data::Empty => String::new(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect(),
    )
}
