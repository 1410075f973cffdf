//! Who may reach an object through the server's own handlers (downloads, uploads): one axum
//! extractor per object, over the app's one access rule for it.
//!
//! Handlers take [`VisibleInitiative`] instead of repeating "load the satsning, check the user
//! may see it, else 404" — the rule itself is `app::initiative::repo::visible`, the same one
//! the server functions use. What a handler then allows (upload, import) is the object's own
//! rule (`may_upload`, `may_report`), checked with [`refuse_unless`].

use app::auth::CurrentUser;
use app::error::AppError;
use app::initiative::Initiative;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::startup::AppState;

/// The satsning named by the path's `{id}`, and the logged-in user who may see it.
pub struct VisibleInitiative {
    pub user: CurrentUser,
    pub initiative: Initiative,
}

impl FromRequestParts<AppState> for VisibleInitiative {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let id = match Path::<Vec<(String, String)>>::from_request_parts(parts, state).await {
            Ok(Path(params)) => params
                .into_iter()
                .find(|(name, _)| name == "id")
                .and_then(|(_, id)| id.parse::<i64>().ok()),
            Err(_) => None,
        };
        let Some(id) = id else {
            return Err(text(
                StatusCode::NOT_FOUND,
                "Sidan finns inte. Kontrollera adressen.",
            ));
        };
        // Pages are sent to the login by the page-access layer; uploads (POST) get here.
        let Some(user) = parts.extensions.get::<CurrentUser>().cloned() else {
            return Err(Redirect::to(&format!("/logga-in?nasta=/satsningar/{id}")).into_response());
        };
        match app::initiative::repo::visible(&state.db, &user, id).await {
            Ok(initiative) => Ok(VisibleInitiative { user, initiative }),
            Err(error) => Err(refusal(&error)),
        }
    }
}

/// A 403 saying `message` unless `allowed`.
pub fn refuse_unless(allowed: bool, message: &'static str) -> Option<Response> {
    (!allowed).then(|| text(StatusCode::FORBIDDEN, message))
}

/// An access failure as a plain Swedish answer with the error's status.
fn refusal(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::NOT_FOUND);
    let message = match error {
        AppError::NotFound => "Satsningen finns inte.".to_string(),
        other => other.to_string(),
    };
    text(status, message)
}

fn text(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.into(),
    )
        .into_response()
}
