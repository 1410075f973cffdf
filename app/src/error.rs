//! One error type for the whole application.
//!
//! Every failure a user can meet is an [`AppError`]: it knows its HTTP status and carries a
//! Swedish message that is safe to show. Database and I/O errors are logged with their context
//! where they happen and reach the user only as [`AppError::Internal`], so nothing about the
//! inside of the system (SQL, paths, stack traces) leaks into a page or a server-function reply.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A validation message for one form field, in Swedish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's `name`.
    pub field: String,
    /// What is wrong and how to fix it, in Swedish.
    pub message: String,
}

/// Everything that can go wrong, as the user sees it.
///
/// On the wire (server-function replies, hydration data) an error is
/// `{"fel": "Forbidden", "meddelande": "Du har inte behörighet till det här."}` (plus `"falt"`
/// for validation errors): the kind for code, the Swedish message for a person who calls a
/// server function directly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(into = "WireError", try_from = "WireError")]
pub enum AppError {
    /// The input was rejected; one message per field. Nothing was saved.
    #[error("Uppgifterna kunde inte sparas. Rätta de markerade fälten.")]
    Validation(Vec<FieldError>),
    #[error("Sidan eller posten finns inte.")]
    NotFound,
    #[error("Du behöver logga in för att se det här.")]
    Unauthenticated,
    #[error("Du har inte behörighet till det här.")]
    Forbidden,
    /// The request itself could not be understood (not a field error).
    #[error("{0}")]
    BadRequest(String),
    /// The request conflicts with the current state (e.g. deleting a mål that has activities).
    #[error("{0}")]
    Conflict(String),
    /// The request body is larger than the server accepts.
    #[error("Det du skickade är för stort. Korta texten eller välj en mindre fil och försök igen.")]
    TooLarge,
    /// Something broke inside; the details are in the server log, not here.
    #[error("Ett tekniskt fel inträffade. Försök igen om en stund.")]
    Internal,
    /// The server function transport failed (network, encoding).
    #[error("Kontakten med servern bröts. Kontrollera anslutningen och försök igen.")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation(_) | AppError::BadRequest(_) => 400,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::TooLarge => 413,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// A validation error for a single field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The message for one field, if this is a validation error naming it.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        match self {
            AppError::Validation(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.as_str()),
            _ => None,
        }
    }
}

/// [`AppError`] as sent: kind, Swedish message, field errors.
#[derive(Serialize, Deserialize)]
struct WireError {
    fel: String,
    meddelande: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    falt: Vec<FieldError>,
    /// A transport failure's technical detail (browser side only, for the console).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detalj: Option<String>,
}

impl From<AppError> for WireError {
    fn from(error: AppError) -> Self {
        let meddelande = error.to_string();
        let detalj = match &error {
            AppError::Transport(detail) => Some(detail.clone()),
            _ => None,
        };
        let (fel, falt) = match error {
            AppError::Validation(errors) => ("Validation", errors),
            AppError::NotFound => ("NotFound", vec![]),
            AppError::Unauthenticated => ("Unauthenticated", vec![]),
            AppError::Forbidden => ("Forbidden", vec![]),
            AppError::BadRequest(_) => ("BadRequest", vec![]),
            AppError::Conflict(_) => ("Conflict", vec![]),
            AppError::TooLarge => ("TooLarge", vec![]),
            AppError::Internal => ("Internal", vec![]),
            AppError::Transport(_) => ("Transport", vec![]),
        };
        WireError {
            fel: fel.into(),
            meddelande,
            falt,
            detalj,
        }
    }
}

impl TryFrom<WireError> for AppError {
    type Error = String;

    fn try_from(wire: WireError) -> Result<Self, Self::Error> {
        Ok(match wire.fel.as_str() {
            "Validation" => AppError::Validation(wire.falt),
            "NotFound" => AppError::NotFound,
            "Unauthenticated" => AppError::Unauthenticated,
            "Forbidden" => AppError::Forbidden,
            "BadRequest" => AppError::BadRequest(wire.meddelande),
            "Conflict" => AppError::Conflict(wire.meddelande),
            "TooLarge" => AppError::TooLarge,
            "Internal" => AppError::Internal,
            "Transport" => AppError::Transport(wire.detalj.unwrap_or(wire.meddelande)),
            other => return Err(format!("okänd feltyp {other}")),
        })
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server these are failures to read a request (its body or its arguments): the
    /// caller's fault, so 4xx with a Swedish message and the technical detail only in the log.
    /// In the browser they are failures to reach the server or read its answer.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let on_server = cfg!(feature = "ssr");
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                unreadable_request(&msg)
            }
            ServerFnErrorErr::Deserialization(msg) | ServerFnErrorErr::Request(msg)
                if on_server =>
            {
                unreadable_request(&msg)
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// A request the server could not read: too large, or not the form it expects.
fn unreadable_request(detail: &str) -> AppError {
    #[cfg(feature = "ssr")]
    tracing::info!(detail, "request could not be decoded");
    if detail.contains("length limit exceeded") {
        AppError::TooLarge
    } else {
        AppError::BadRequest(
            "Formuläret kunde inte tolkas. Ladda om sidan, fyll i uppgifterna och försök igen."
                .into(),
        )
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_errors_are_4xx_and_internal_is_500() {
        assert_eq!(AppError::field("namn", "Ange ett namn.").status_code(), 400);
        assert_eq!(AppError::Forbidden.status_code(), 403);
        assert_eq!(AppError::NotFound.status_code(), 404);
        assert_eq!(AppError::Internal.status_code(), 500);
    }

    #[test]
    fn internal_message_reveals_nothing_technical() {
        let shown = AppError::Internal.to_string();
        assert!(!shown.to_lowercase().contains("sql"));
        assert!(shown.starts_with("Ett tekniskt fel"));
    }

    #[test]
    fn wire_form_carries_the_swedish_message_and_round_trips() {
        for error in [
            AppError::field("namn", "Ange ett namn."),
            AppError::NotFound,
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::BadRequest("Formuläret kunde inte tolkas.".into()),
            AppError::Conflict("Målet har aktiviteter.".into()),
            AppError::TooLarge,
            AppError::Internal,
            AppError::Transport("avbrott".into()),
        ] {
            let json = serde_json::to_string(&error).unwrap();
            assert!(json.contains(&error.to_string()), "{json}");
            assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), error);
        }
        let json = serde_json::to_string(&AppError::Forbidden).unwrap();
        assert_eq!(
            json,
            r#"{"fel":"Forbidden","meddelande":"Du har inte behörighet till det här."}"#
        );
    }

    #[test]
    fn field_message_is_found_by_name() {
        let error = AppError::field("namn", "Ange ett namn.");
        assert_eq!(error.message_for("namn"), Some("Ange ett namn."));
        assert_eq!(error.message_for("kod"), None);
    }
}
