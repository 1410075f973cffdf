//! Upload of Kolada comparison values (multipart, works without JavaScript): the whole file is
//! checked and saved in one transaction, or nothing is saved and the page says which rows are
//! wrong (4xx).

use app::auth::{CurrentUser, Role};
use app::form::FormState;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::forms::render_page;
use crate::startup::AppState;

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
    let rejected = |message: String, status: StatusCode| {
        let form = FormState {
            summary: Some(message),
            ..FormState::default()
        };
        render_page(&state, parts.clone(), form, status)
    };
    let too_large = || {
        format!(
            "Filen är för stor eller kom inte fram. Största tillåtna storlek är {} MB.",
            state.max_upload_bytes / (1024 * 1024)
        )
    };
    let Ok(mut multipart) =
        Multipart::from_request(Request::from_parts(parts.clone(), body), &state).await
    else {
        return rejected(
            "Formuläret kunde inte läsas. Välj filen igen.".into(),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("fil") => {
                let name = field.file_name().unwrap_or("kolada").to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => return rejected(too_large(), StatusCode::PAYLOAD_TOO_LARGE).await,
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return rejected(too_large(), StatusCode::PAYLOAD_TOO_LARGE).await,
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return rejected("Välj en fil att importera.".into(), StatusCode::BAD_REQUEST).await;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return rejected(
            "Filen är inte text i UTF-8 (JSON eller CSV).".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        )
        .await;
    };
    let values = match app::indicator::parse_file(&text) {
        Ok(values) => values,
        Err(errors) => {
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
            return rejected(message, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let actor = app::auth::repo::Actor {
        user_id: user.id,
        organisation_id: user.organisation_id,
    };
    let file_name: String = name.chars().take(200).collect();
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
