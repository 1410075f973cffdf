//! Plain HTML form posts to page URLs (see `app/src/form.rs` for the whole pattern).
//!
//! A POST to a page path reaches [`form_post`] (axum's "method not allowed" fallback: pages
//! only have GET routes). It calls the server function named in the hidden `_atgard` field with
//! the same body, exactly as a hydrated page would, then either redirects (303) to the
//! function's [`Saved::redirect`] or renders the page again with a [`FormState`] and the
//! error's 4xx status.

use app::error::{AppError, FieldError};
use app::form::{ACTION_FIELD, FormState, Saved};
use app::shell;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;

use crate::startup::AppState;

/// Largest form body read here (uploads get their own routes and limits).
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Fields never echoed back into a re-rendered form.
fn is_secret(field: &str) -> bool {
    field.contains("losenord")
}

/// The form shown again after `error`: what the user typed (never passwords), the messages,
/// and the error's status.
fn rejected(error: AppError, fields: Vec<(String, String)>) -> (FormState, StatusCode) {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    let values = fields
        .into_iter()
        .filter(|(name, _)| !is_secret(name))
        .collect();
    let (errors, summary) = match error {
        AppError::Validation(errors) => (errors, None),
        other => (Vec::<FieldError>::new(), Some(other.to_string())),
    };
    let form = FormState {
        values,
        errors,
        summary,
    };
    (form, status)
}

/// `text` with every control character except line breaks and tabs replaced by U+FFFD.
fn without_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect()
}

/// POST to a page URL: run the named server function, then redirect or re-render.
pub async fn form_post(State(state): State<AppState>, request: Request) -> Response {
    if request.method() != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "Metoden stöds inte här.").into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Formuläret är för stort.").into_response();
    };
    let fields = match app::form::decode_form(&bytes) {
        Ok(fields) => fields,
        Err(error) => {
            // Shown again with what could be read; broken bytes and control characters are
            // replaced, so nothing unreadable is echoed into the page.
            let fields = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .unwrap_or_default()
                .into_iter()
                .map(|(name, value)| (name, without_controls(&value)))
                .collect();
            let (form, status) = rejected(error, fields);
            return render_page(&state, parts, form, status).await;
        }
    };
    let action = fields
        .iter()
        .find(|(name, _)| name == ACTION_FIELD)
        .map(|(_, value)| value.clone())
        .filter(|path| path.starts_with("/api/"));
    let Some(action) = action else {
        let form = FormState {
            summary: Some("Formuläret kunde inte skickas. Ladda om sidan och försök igen.".into()),
            ..FormState::default()
        };
        return render_page(&state, parts, form, StatusCode::BAD_REQUEST).await;
    };

    // Call the server function as a hydrated page would, with the caller's identity.
    let mut call = Request::builder()
        .method(Method::POST)
        .uri(&action)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(bytes))
        .expect("valid request");
    *call.extensions_mut() = parts.extensions.clone();
    let response = leptos_axum::handle_server_fns_with_context(state.provide_contexts(), call)
        .await
        .into_response();

    let status = response.status();
    let set_cookies: Vec<HeaderValue> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    let body = axum::body::to_bytes(response.into_body(), MAX_FORM_BYTES)
        .await
        .unwrap_or_default();

    if status.is_success() {
        let target = serde_json::from_slice::<Saved>(&body)
            .ok()
            .map(|saved| saved.redirect)
            .filter(|path| app::auth::is_local_path(path))
            .unwrap_or_else(|| parts.uri.path().to_string());
        let mut redirect = Redirect::to(&target).into_response();
        for cookie in set_cookies {
            redirect.headers_mut().append(header::SET_COOKIE, cookie);
        }
        return redirect;
    }

    let error = serde_json::from_slice::<AppError>(&body).unwrap_or_else(|_| {
        if status == StatusCode::BAD_REQUEST && body.starts_with(b"Could not find") {
            AppError::BadRequest("Formuläret kunde inte skickas.".into())
        } else {
            tracing::error!(%status, action, "form action failed without an AppError");
            AppError::Internal
        }
    });
    let (form, status) = rejected(error, fields);
    render_page(&state, parts, form, status).await
}

/// Renders the page at the request's path (as a GET) with `form` in context and `status`.
/// Rendered whole before sending (async mode), like the data pages themselves: the streaming
/// renderer was seen to hang under load when a page's blocking resource resolved during it.
pub async fn render_page(
    state: &AppState,
    mut parts: http::request::Parts,
    form: FormState,
    status: StatusCode,
) -> Response {
    parts.method = Method::GET;
    let contexts = state.provide_contexts();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            contexts();
            provide_context(form.clone());
        },
        move || shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty()))
        .await
        .into_response();
    *response.status_mut() = status;
    response
}
