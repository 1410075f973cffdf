//! What is checked at the edge, before a server function runs, and how its errors are answered.
//!
//! * A form body (`application/x-www-form-urlencoded`) must be valid UTF-8 without control
//!   characters ([`app::form::decode_form`]); otherwise 400 with a Swedish message per field.
//!   Plain form posts to page URLs get the same check in [`crate::forms`].
//! * Every server-function error reaches the client with its [`AppError::status_code`] — set
//!   here, once, from the error in the reply — so a `?` that carries `NotFound` answers 404
//!   and an undecodable request 400/413, never 500.

use app::error::AppError;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest server-function error reply read back to learn its status (they are a few hundred
/// bytes; a larger one keeps the status it has).
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Marks a server-function reply that carries an error (set by `server_fn`).
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// Checks server-function requests' form bodies and gives their errors the right status.
pub async fn server_functions(max_body_bytes: usize, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let request = match checked_form_body(request, max_body_bytes).await {
        Ok(request) => request,
        Err(error) => return error_reply(&error),
    };
    let response = next.run(request).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        // leptos_axum answers a path that names no server function with 400 and an English
        // text; to a person that is a page that does not exist.
        if response.status() == StatusCode::BAD_REQUEST {
            return error_reply(&AppError::NotFound);
        }
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Ett tekniskt fel inträffade.",
        )
            .into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status_code())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The request with its body read and checked, if it is a form; other requests pass as they are
/// (the server function then refuses what it cannot decode).
async fn checked_form_body(request: Request, max_body_bytes: usize) -> Result<Request, AppError> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, max_body_bytes)
        .await
        .map_err(|_| AppError::TooLarge)?;
    app::form::decode_form(&bytes)?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// An error answered the way a server function answers it: JSON, its status.
pub fn error_reply(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_string(error).unwrap_or_default();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(SERVER_FN_ERROR_HEADER, HeaderValue::from_static("edge"));
    response
}

/// The ids in a URL path (`/satsningar/{id}/…`). An id that is not a number names no page:
/// 404 with a Swedish text, instead of axum's English "Invalid URL: Cannot parse …".
pub struct Ids<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Ids<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(ids)) => Ok(Ids(ids)),
            Err(_) => Err((
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Sidan finns inte. Kontrollera adressen.",
            )
                .into_response()),
        }
    }
}
