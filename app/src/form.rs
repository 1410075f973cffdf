//! Forms that work without JavaScript.
//!
//! Every form is a plain `<form method="post">` to its own page's URL, with a hidden
//! `_atgard` field naming the server function that does the work. The server (see
//! `server/src/forms.rs`) calls that server function; on success it redirects (303) to where the
//! function says, on failure it renders the same page again with a 4xx status, the values the
//! user typed (never passwords) and a Swedish message next to each bad field. The mutation
//! logic therefore lives once, in the server function, and is also callable from hydrated code.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Name of the hidden field that names the server function a form posts to.
pub const ACTION_FIELD: &str = "_atgard";

/// What a mutation server function answers on success: where to send the user next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// A local path, e.g. `/admin/anvandare/4?sparad=1`.
    pub redirect: String,
}

/// A rejected form, shown again: typed values, per-field errors, and an overall message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
    pub summary: Option<String>,
}

impl FormState {
    /// The typed value of `field`, or `fallback` (the stored value) when the form is fresh.
    pub fn value_or(&self, field: &str, fallback: &str) -> String {
        if self.values.is_empty() {
            fallback.to_string()
        } else {
            self.values.get(field).cloned().unwrap_or_default()
        }
    }

    /// Whether checkbox `field` was ticked, or `fallback` when the form is fresh.
    pub fn checked_or(&self, field: &str, fallback: bool) -> bool {
        if self.values.is_empty() {
            fallback
        } else {
            self.values.contains_key(field)
        }
    }

    /// Whether this rejected form was posted to server function `action` with `key` = `value`
    /// (tells apart several forms on one page).
    pub fn is_from(&self, action: &str, key: &str, value: &str) -> bool {
        self.values.get(ACTION_FIELD).map(String::as_str) == Some(action)
            && self.values.get(key).map(String::as_str) == Some(value)
    }

    /// The error message for `field`, if any.
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    /// `true` when nothing was rejected.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty() && self.summary.is_none()
    }
}

/// The rejected form being shown again (empty on a normal page view). Shared from the
/// server render to the hydrated page.
pub fn use_form_state() -> FormState {
    SharedValue::new(|| use_context::<FormState>().unwrap_or_default()).into_inner()
}

/// The error summary at the top of a rejected form: links to each bad field.
#[component]
pub fn ErrorSummary(state: FormState) -> impl IntoView {
    (!state.is_clean()).then(|| {
        let items = state
            .errors
            .iter()
            .map(|e| {
                let href = format!("#{}", e.field);
                view! { <li><a href=href>{e.message.clone()}</a></li> }
            })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="fel">
                <p><strong>{state.summary.clone().unwrap_or_else(|| "Rätta uppgifterna nedan och försök igen.".into())}</strong></p>
                <ul>{items}</ul>
            </div>
        }
    })
}

/// A labelled text input with its error message.
#[component]
pub fn TextField(
    /// `name` and `id` of the input.
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
    /// The input type, or "textarea".
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    /// The element id when `name` is not unique on the page.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| name.to_string());
    let error_id = format!("{id}-fel");
    let hint_id = format!("{id}-tips");
    let described = match (&error, hint) {
        (Some(_), Some(_)) => Some(format!("{error_id} {hint_id}")),
        (Some(_), None) => Some(error_id.clone()),
        (None, Some(_)) => Some(hint_id.clone()),
        (None, None) => None,
    };
    let invalid = error.is_some().then_some("true");
    let has_error = error.is_some();
    view! {
        <div class="field" class:field--error=has_error>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            {error.map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
            {if kind == "textarea" {
                view! {
                    <textarea id=id name=name rows="4" aria-invalid=invalid aria-describedby=described>{value}</textarea>
                }.into_any()
            } else {
                view! {
                    <input
                        id=id
                        name=name
                        type=kind
                        value=value
                        autocomplete=autocomplete
                        aria-invalid=invalid
                        aria-describedby=described
                    />
                }.into_any()
            }}
        </div>
    }
}
