//! Forms that work without JavaScript.
//!
//! Every form is a plain `<form method="post">` to its own page's URL, with a hidden
//! `_atgard` field naming the server function that does the work. The server (see
//! `server/src/forms.rs`) calls that server function; on success it redirects (303) to where the
//! function says, on failure it renders the same page again with a 4xx status, the values the
//! user typed (never passwords) and a Swedish message next to each bad field. The mutation
//! logic therefore lives once, in the server function, and is also callable from hydrated code.
//!
//! A form's fields are one serde struct taken by the server function as one argument (e.g.
//! `measure: MeasureForm`), so its inputs are named `measure[code]`; pages render it with
//! [`PostForm`] and the function's own `PATH`, and ids come from names through [`field_id`].

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::html::TextArea;

/// Name of the hidden field that names the server function a form posts to.
pub const ACTION_FIELD: &str = "_atgard";

/// The element id of the input named `name`: a form struct's field `measure[code]` becomes
/// `measure-code` (brackets are awkward in URL fragments and CSS); a plain name is its own id.
/// [`TextField`] and the [`ErrorSummary`] links both use it, so they always agree.
pub fn field_id(name: &str) -> String {
    name.replace("][", "-")
        .replace(['[', ']'], "-")
        .trim_end_matches('-')
        .to_string()
}

/// A form that works without JavaScript: `<form method="post" novalidate>` to the page it is
/// on, with the hidden [`ACTION_FIELD`] naming the server function that does the work. Pass the
/// function's own path, never a string: `fn_path=AddMeasure::PATH` (trait
/// `leptos::server_fn::ServerFn`). Attributes and `on:` handlers given to the component land on
/// the `<form>`.
#[component]
pub fn PostForm(
    /// The page the form is on, shown again with the errors when the post is refused.
    #[prop(into)]
    action: String,
    /// The server function's path, `SomeFunction::PATH`.
    fn_path: &'static str,
    /// The form's CSS class.
    #[prop(default = "form")]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <form method="post" action=action class=class novalidate>
            <input type="hidden" name=ACTION_FIELD value=fn_path/>
            {children()}
        </form>
    }
}

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

    /// This state if `posted` (the rejected form is this one), else a fresh one: on a page with
    /// several forms only the one that was posted shows what was typed and its errors.
    pub fn if_posted(self, posted: bool) -> FormState {
        if posted { self } else { FormState::default() }
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
pub fn ErrorSummary(
    state: FormState,
    /// The summary's heading when the error has no message of its own (default Swedish; a
    /// participant's page passes its language's).
    #[prop(optional, into)]
    heading: Option<String>,
) -> impl IntoView {
    (!state.is_clean()).then(|| {
        let items = state
            .errors
            .iter()
            .map(|e| {
                let href = format!("#{}", field_id(&e.field));
                view! { <li><a href=href>{e.message.clone()}</a></li> }
            })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="fel">
                <p><strong>{state.summary.clone().or(heading.clone()).unwrap_or_else(|| "Rätta uppgifterna nedan och försök igen.".into())}</strong></p>
                <ul>{items}</ul>
            </div>
        }
    })
}

/// A labelled text input with its error message.
#[component]
pub fn TextField(
    /// `name` of the input; its id is [`field_id`] of it unless `id` is given.
    name: &'static str,
    #[prop(into)] label: String,
    value: String,
    error: Option<String>,
    /// The input type, or "textarea".
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    /// The element id when `name` is not unique on the page.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id(name));
    let error_id = format!("{id}-fel");
    let hint_id = format!("{id}-tips");
    let described = match (&error, &hint) {
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
                view! { <TextArea id name value invalid described_by=described/> }.into_any()
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

/// Form fields whose text may span several lines (the `<textarea>` fields); in every other
/// field a tab or line break is refused like any other control character. A form struct's field
/// (`initiative[summary]`) is judged by its own, innermost name; report comments are named
/// `k[m{measure}]`, survey answers `svar[q{question}]` (free text), and the half-year report's
/// texts `narrative[text][…]` and review comments `review[comments][…]`.
pub fn is_multiline_field(name: &str) -> bool {
    let innermost = name
        .rsplit_once('[')
        .map_or(name, |(_, last)| last.trim_end_matches(']'));
    matches!(
        innermost,
        "summary"
            | "budget_years"
            | "milestones"
            | "orsak"
            | "explanation"
            | "planned_action"
            | "comment"
            | "intro"
            | "options"
    ) || name.starts_with("k[")
        || name.starts_with("svar[")
        || name.starts_with("narrative[text][")
        || name.starts_with("review[comments][")
        || name.starts_with("follow_up[text][")
        || name.starts_with("follow_up[comment][")
}

/// Serde helpers for checkboxes in form structs (`#[serde(default, with = "…")]`): a browser
/// sends a ticked box as `name=ja` and leaves an unticked one out.
pub mod checkbox {
    use serde::{Deserialize, Deserializer, Serializer};

    /// One checkbox: ticked when sent with any value but `false` (what serde_qs writes for an
    /// unticked `bool`).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        Ok(String::deserialize(d)? != "false")
    }

    pub fn serialize<S: Serializer>(ticked: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*ticked)
    }
}

/// Serde helpers for a group of checkboxes named `group[n<id>]=ja`, one per ticked id (the
/// letter keeps serde_qs from reading `group[5]` as a list index): read as the ticked ids.
pub mod ticked_ids {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
        let ticked = BTreeMap::<String, String>::deserialize(d)?;
        Ok(ticked
            .keys()
            .filter_map(|k| k.strip_prefix('n')?.parse().ok())
            .collect())
    }

    pub fn serialize<S: Serializer>(ids: &[i64], s: S) -> Result<S::Ok, S::Error> {
        let ticked: BTreeMap<String, &str> = ids.iter().map(|id| (key(*id), "ja")).collect();
        ticked.serialize(s)
    }

    /// The key of id `id` in its group: `n4`.
    pub fn key(id: i64) -> String {
        format!("n{id}")
    }
}

/// Decodes an `application/x-www-form-urlencoded` body strictly: every name and value must be
/// valid UTF-8 after percent-decoding and free of control characters (tab and line breaks only
/// in [multi-line fields](is_multiline_field)). Browsers never send anything else, so a
/// rejection here means a broken or hand-made request; it names the fields concerned, and
/// nothing reaches a server function or the database.
pub fn decode_form(body: &[u8]) -> Result<Vec<(String, String)>, crate::error::AppError> {
    let mut fields = Vec::new();
    let mut errors = Vec::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        let name = String::from_utf8(percent_decode(name)).map_err(|_| {
            crate::error::AppError::BadRequest(
                "Formuläret kunde inte läsas: ett fältnamn är inte giltig text.".into(),
            )
        })?;
        match String::from_utf8(percent_decode(value)) {
            Ok(value) => {
                if let Some(message) = control_character_problem(&value, is_multiline_field(&name))
                {
                    errors.push(FieldError {
                        field: name.clone(),
                        message: message.into(),
                    });
                }
                fields.push((name, value));
            }
            Err(_) => errors.push(FieldError {
                field: name,
                message: "Texten kunde inte läsas (ogiltig teckenkodning). Skriv in den igen."
                    .into(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(crate::error::AppError::Validation(errors))
    }
}

/// Why `text` cannot be stored, if it holds a control character (C0, DEL or C1); tab, line
/// feed and carriage return are allowed when `multiline`.
pub fn control_character_problem(text: &str, multiline: bool) -> Option<&'static str> {
    let bad = |c: char| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r'));
    text.chars().any(bad).then_some(if multiline {
        "Texten innehåller osynliga styrtecken som inte kan sparas. Ta bort dem och försök igen."
    } else {
        "Fältet får inte innehålla radbrytningar, tabbar eller andra styrtecken. Ta bort dem och försök igen."
    })
}

/// `+` as space and `%XX` as the byte it names; a malformed escape stays as written.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < input.len() => match (hex(input[i + 1]), hex(input[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn ordinary_forms_decode_like_a_browser_sends_them() {
        let fields = decode_form(
            b"namn=Familjecentral+%C3%96rebro&initiative%5Bsummary%5D=rad1%0D%0Arad2&tom=",
        )
        .unwrap();
        assert_eq!(
            fields,
            vec![
                ("namn".to_string(), "Familjecentral Örebro".to_string()),
                (
                    "initiative[summary]".to_string(),
                    "rad1\r\nrad2".to_string()
                ),
                ("tom".to_string(), String::new()),
            ]
        );
        assert_eq!(decode_form(b"a=100%").unwrap()[0].1, "100%");
        assert_eq!(decode_form(b"a=%4").unwrap()[0].1, "%4");
    }

    #[test]
    fn broken_text_and_control_characters_are_refused_per_field() {
        let error = decode_form(b"namn=%FF%FE&kod=A1").unwrap_err();
        assert!(error.message_for("namn").unwrap().contains("teckenkodning"));
        assert!(error.message_for("kod").is_none());
        let error = decode_form(b"namn=a%00b").unwrap_err();
        assert!(error.message_for("namn").unwrap().contains("styrtecken"));
        let error = decode_form(b"namn=rad1%0Arad2").unwrap_err();
        assert!(error.message_for("namn").is_some());
        assert!(decode_form(b"k%5Bm4%5D=rad1%0Arad2").is_ok());
        let error = decode_form(b"initiative%5Bsummary%5D=a%07b").unwrap_err();
        assert!(error.message_for("initiative[summary]").is_some());
        assert!(matches!(
            decode_form(b"%FF=1"),
            Err(AppError::BadRequest(_))
        ));
        // C1 controls (U+0085 NEL) too.
        assert!(decode_form("namn=a%C2%85b".as_bytes()).is_err());
    }

    #[test]
    fn a_form_structs_fields_are_judged_by_their_own_name_and_get_plain_ids() {
        assert!(decode_form(b"initiative%5Bsummary%5D=rad1%0D%0Arad2").is_ok());
        assert!(decode_form(b"measure%5Bmilestones%5D=rad1%0Arad2").is_ok());
        let error = decode_form(b"initiative%5Bname%5D=rad1%0Arad2").unwrap_err();
        assert!(error.message_for("initiative[name]").is_some());
        assert_eq!(field_id("measure[code]"), "measure-code");
        assert_eq!(field_id("initiative[parties][n4]"), "initiative-parties-n4");
        assert_eq!(field_id("namn"), "namn");
    }

    #[test]
    fn checkboxes_read_as_a_browser_sends_them() {
        #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
        struct Form {
            #[serde(default, with = "checkbox")]
            ticked: bool,
            #[serde(default, with = "ticked_ids")]
            ids: Vec<i64>,
        }
        let sent: Form = serde_json::from_str(
            r#"{"ticked": "ja", "ids": {"n4": "ja", "n12": "ja", "x": "ja"}}"#,
        )
        .unwrap();
        assert_eq!(
            sent,
            Form {
                ticked: true,
                ids: vec![12, 4],
            }
        );
        assert_eq!(serde_json::from_str::<Form>("{}").unwrap(), Form::default());
        let written = serde_json::to_value(&sent).unwrap();
        assert_eq!(written["ids"]["n4"], "ja");
        assert_eq!(written["ticked"], true);
    }
}

/// One filter of a list page's search form (`method="get"`): a labelled `<select>` of
/// (value, text) choices, the current one marked, first "Alla" (no filter) unless `all` is off.
#[component]
pub fn FilterSelect(
    /// `name` and `id` of the select (the query parameter).
    name: &'static str,
    label: &'static str,
    choices: Vec<(String, String)>,
    /// The value in the query string now, if any.
    selected: Option<String>,
    #[prop(default = true)] all: bool,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select id=name name=name>
                {all.then(|| view! { <option value="">"Alla"</option> })}
                {choices.into_iter().map(|(value, text)| {
                    let is = selected.as_deref() == Some(value.as_str());
                    view! { <option value=value selected=is>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
