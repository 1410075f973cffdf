//! Upload of Kolada comparison values (multipart, works without JavaScript): the whole file is
//! checked and saved in one transaction, or nothing is saved and the page says which rows are
//! wrong (4xx).

use app::auth::{CurrentUser, Role};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::startup::AppState;
use crate::uploads;

/// Row errors shown at most (the rest are counted).
const SHOWN_ERRORS: usize = 20;

/// POST /indikatorer/fil (multipart: `fil`).
pub async fn upload(State(state): State<AppState>, request: Request) -> Response {
    let Some(user) = request.extensions().get::<CurrentUser>().cloned() else {
        return Redirect::to("/logga-in?nasta=/indikatorer").into_response();
    };
    if !user.has_any(&[Role::Admin, Role::Evaluator]) {
        return (
            StatusCode::FORBIDDEN,
            "Du har inte behörighet att importera jämförelsevärden.",
        )
            .into_response();
    }
    let (mut parts, body) = request.into_parts();
    parts.uri = "/indikatorer".parse().expect("valid path");
    let upload =
        match uploads::read(&state, &parts, body, "fil", "Välj en fil att importera.").await {
            Ok(upload) => upload,
            Err(response) => return response,
        };
    let (name, bytes) = (upload.name, upload.bytes);
    let rejected =
        |message: String, status: StatusCode| uploads::reject(&state, &parts, message, status);
    let Ok(text) = String::from_utf8(bytes) else {
        return rejected(
            "Filen är inte text i UTF-8 (JSON eller CSV).".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        )
        .await;
    };
    let actor = user.actor();
    let file_name: String = name.chars().take(200).collect();
    // Kolada's list of KPIs or municipalities: names for the comparison charts.
    if let Some(parsed) = app::indicator::parse_names(&text) {
        let names = match parsed {
            Ok(names) => names,
            Err(errors) => {
                return rejected(rejection(&errors), StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        };
        return match app::indicator::repo::import_names(
            &state.db,
            actor,
            &file_name,
            &names,
            chrono::Utc::now(),
        )
        .await
        {
            Ok(count) => Redirect::to(&format!("/indikatorer?namn={count}")).into_response(),
            Err(_) => {
                rejected(
                    "Namnen kunde inte sparas. Försök igen om en stund.".into(),
                    StatusCode::SERVICE_UNAVAILABLE,
                )
                .await
            }
        };
    }
    let values = match app::indicator::parse_file(&text) {
        Ok(values) => values,
        Err(errors) => {
            return rejected(rejection(&errors), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match app::indicator::repo::import(&state.db, actor, &file_name, &values, chrono::Utc::now())
        .await
    {
        Ok(count) => Redirect::to(&format!("/indikatorer?importerade={count}")).into_response(),
        Err(_) => {
            rejected(
                "Värdena kunde inte sparas. Försök igen om en stund.".into(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await
        }
    }
}

/// "Inget importerades: 2 rader är fel. Rad 3: …", at most [`SHOWN_ERRORS`] rows named.
fn rejection(errors: &[app::indicator::RowError]) -> String {
    let mut message = format!(
        "Inget importerades: {} {} fel. ",
        errors.len(),
        if errors.len() == 1 {
            "rad är"
        } else {
            "rader är"
        }
    );
    let shown: Vec<String> = errors
        .iter()
        .take(SHOWN_ERRORS)
        .map(|e| {
            if e.row == 0 {
                e.message.clone()
            } else {
                format!("Rad {}: {}", e.row, e.message)
            }
        })
        .collect();
    message.push_str(&shown.join(" "));
    if errors.len() > SHOWN_ERRORS {
        message.push_str(&format!(" … och {} till.", errors.len() - SHOWN_ERRORS));
    }
    message
}
