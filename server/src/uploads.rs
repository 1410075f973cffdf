//! Reading a multipart upload form (works without JavaScript) for the document, value import
//! and comparison-value handlers: the file field, the other text fields, and the Swedish
//! rejection that renders the form's page again with a 4xx status.

use app::form::FormState;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use crate::forms::render_page;
use crate::startup::AppState;

/// The file of an upload form and its other fields.
pub struct Upload {
    /// The name the browser gave the file.
    pub name: String,
    pub bytes: Vec<u8>,
    /// The form's text fields, by name.
    pub fields: Vec<(String, String)>,
}

impl Upload {
    /// A text field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Renders `parts`' page again with `message` as the form's error summary.
pub async fn reject(
    state: &AppState,
    parts: &Parts,
    message: String,
    status: StatusCode,
) -> Response {
    let form = FormState {
        summary: Some(message),
        ..FormState::default()
    };
    render_page(state, parts.clone(), form, status).await
}

/// Reads the form: the file in `file_field` (required, not empty: else `missing` is the
/// message) and every text field. `parts` carries the path of the page to show on failure.
pub async fn read(
    state: &AppState,
    parts: &Parts,
    body: Body,
    file_field: &str,
    missing: &str,
) -> Result<Upload, Response> {
    let too_large = || {
        format!(
            "Filen är för stor. Största tillåtna storlek är {} MB.",
            state.max_upload_bytes / (1024 * 1024)
        )
    };
    let Ok(mut multipart) =
        Multipart::from_request(Request::from_parts(parts.clone(), body), state).await
    else {
        return Err(reject(
            state,
            parts,
            "Formuläret kunde inte läsas. Välj filen igen.".into(),
            StatusCode::BAD_REQUEST,
        )
        .await);
    };
    // Too large is one failure; a malformed body (a broken boundary, a cut-off upload) is
    // another, and saying "too large" for it would send the user looking in the wrong place.
    let unreadable = |error: axum::extract::multipart::MultipartError| async move {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            reject(state, parts, too_large(), StatusCode::PAYLOAD_TOO_LARGE).await
        } else {
            let message = "Filen kom inte fram hela. Välj filen igen och skicka på nytt.";
            reject(state, parts, message.into(), StatusCode::BAD_REQUEST).await
        }
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut fields = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                if name == file_field {
                    let file_name = field.file_name().unwrap_or("fil").to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((file_name, bytes.to_vec())),
                        Err(error) => return Err(unreadable(error).await),
                    }
                } else if let Ok(text) = field.text().await {
                    fields.push((name, text));
                }
            }
            Ok(None) => break,
            Err(error) => return Err(unreadable(error).await),
        }
    }
    match file.filter(|(_, bytes)| !bytes.is_empty()) {
        Some((name, bytes)) => Ok(Upload {
            name,
            bytes,
            fields,
        }),
        None => Err(reject(state, parts, missing.to_string(), StatusCode::BAD_REQUEST).await),
    }
}
