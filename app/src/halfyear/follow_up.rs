//! Uppföljande utvärdering: the report on a satsning that has ended, due its
//! `follow_up_years` (1–3) after the end date. It shows each effektmått's values from the last
//! month of the period on (what lasted), and records what numbers cannot say: the effects after
//! the end and the lessons, and per method (the schema's aktiviteter) how far it lives on —
//! not implemented, partly, in ordinary operations, or scaled up to other groups — with the
//! nämnd that owns it. Workflow: utkast → inskickad → godkänd.
//!
//! Access: the satsning's projektledare, admin and utvärderare write and submit (the
//! projektledare may have moved on when it is due); beredning and admin approve; everyone who
//! may see the satsning reads it. Rules here are pure (unit-tested below); SQL in
//! [`super::follow_up_repo`], server functions in [`super::follow_up_api`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, FieldError};
use crate::initiative::Initiative;

/// Status of an uppföljande utvärdering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FollowUpStatus {
    /// Utkast.
    Draft,
    /// Inskickad: locked, waiting for the beredningsgrupp.
    Submitted,
    /// Godkänd.
    Approved,
}

impl FollowUpStatus {
    pub const ALL: [FollowUpStatus; 3] = [
        FollowUpStatus::Draft,
        FollowUpStatus::Submitted,
        FollowUpStatus::Approved,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            FollowUpStatus::Draft => "utkast",
            FollowUpStatus::Submitted => "inskickad",
            FollowUpStatus::Approved => "godkand",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            FollowUpStatus::Draft => "Utkast",
            FollowUpStatus::Submitted => "Inskickad",
            FollowUpStatus::Approved => "Godkänd",
        }
    }
}

/// "Inte påbörjad" for a follow-up nobody has saved yet.
pub fn status_label(status: Option<FollowUpStatus>) -> &'static str {
    status.map_or("Inte påbörjad", FollowUpStatus::label)
}

/// Implementering: how far a method (aktivitet) lives on after the satsning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Implementation {
    /// Inte implementerad.
    NotImplemented,
    /// Delvis implementerad.
    Partly,
    /// I ordinarie verksamhet.
    Ordinary,
    /// Utvidgad till fler målgrupper.
    ScaledUp,
}

impl Implementation {
    pub const ALL: [Implementation; 4] = [
        Implementation::NotImplemented,
        Implementation::Partly,
        Implementation::Ordinary,
        Implementation::ScaledUp,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            Implementation::NotImplemented => "ej_implementerad",
            Implementation::Partly => "delvis",
            Implementation::Ordinary => "ordinarie_verksamhet",
            Implementation::ScaledUp => "utvidgad",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Implementation::NotImplemented => "Inte implementerad",
            Implementation::Partly => "Delvis implementerad",
            Implementation::Ordinary => "I ordinarie verksamhet",
            Implementation::ScaledUp => "Utvidgad till fler målgrupper",
        }
    }

    /// Anything but "inte implementerad" lives on somewhere, so some nämnd owns it.
    pub fn needs_owner(self) -> bool {
        self != Implementation::NotImplemented
    }
}

/// The text fields, in order: (stored key, heading, what to write).
pub const TEXTS: [(&str, &str, &str); 2] = [
    (
        "effekter",
        "Effekter efter avslut",
        "Vilka effekter finns kvar efter att satsningen avslutades? Vad visar måtten, och vad har ni sett som siffrorna inte säger?",
    ),
    (
        "lardomar",
        "Lärdomar",
        "Vad har ni lärt er som andra satsningar och förvaltningar har nytta av?",
    ),
];

/// Longest text field.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Longest comment on a method.
pub const MAX_METHOD_COMMENT_CHARS: usize = 2_000;

/// One method's implementation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodStatus {
    pub activity_id: i64,
    pub status: Implementation,
    /// The owning nämnd (a party of the satsning).
    pub party_id: Option<i64>,
    pub comment: String,
}

/// The follow-up as typed, posted as `follow_up[text][effekter]`, `follow_up[status][a12]`,
/// `follow_up[owner][a12]` and `follow_up[comment][a12]` (`a12`: aktivitet 12).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpForm {
    /// The text fields by key.
    #[serde(default)]
    pub text: BTreeMap<String, String>,
    /// Implementering per metod: an [`Implementation`] as stored, or empty (not assessed yet).
    #[serde(default)]
    pub status: BTreeMap<String, String>,
    /// Ägande nämnd per metod: a party id, or empty.
    #[serde(default)]
    pub owner: BTreeMap<String, String>,
    /// Kommentar per metod.
    #[serde(default)]
    pub comment: BTreeMap<String, String>,
}

/// The form key of aktivitet `id`.
pub fn method_key(activity_id: i64) -> String {
    format!("a{activity_id}")
}

/// What the form holds once checked: the texts and the assessed methods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpInput {
    pub texts: BTreeMap<String, String>,
    pub methods: Vec<MethodStatus>,
}

impl FollowUpForm {
    /// The follow-up as typed for a satsning with these `activities` and `parties` (ids): an
    /// unknown field is a 400; a text too long, an unknown status, an owner that is not one of
    /// the satsning's parties, or a method living on without an owner is a field error.
    pub fn parse(&self, activities: &[i64], parties: &[i64]) -> Result<FollowUpInput, AppError> {
        let known_method = |key: &String| activities.iter().any(|a| method_key(*a) == *key);
        if let Some(key) = self
            .text
            .keys()
            .find(|k| !TEXTS.iter().any(|(t, _, _)| t == k))
        {
            return Err(AppError::BadRequest(format!(
                "Okänt textavsnitt i formuläret: {key}."
            )));
        }
        if let Some(key) = self
            .status
            .keys()
            .chain(self.owner.keys())
            .chain(self.comment.keys())
            .find(|k| !known_method(k))
        {
            return Err(AppError::BadRequest(format!(
                "Okänd metod i formuläret: {key}. Ladda om sidan."
            )));
        }
        let mut errors = Vec::new();
        let mut texts = BTreeMap::new();
        for (key, heading, _) in TEXTS {
            let text = self.text.get(key).map_or("", |t| t.trim());
            if text.chars().count() > MAX_TEXT_CHARS {
                errors.push(FieldError {
                    field: format!("follow_up[text][{key}]"),
                    message: format!("{heading}: högst {MAX_TEXT_CHARS} tecken."),
                });
            }
            texts.insert(key.to_string(), text.to_string());
        }
        let mut methods = Vec::new();
        for &activity_id in activities {
            let key = method_key(activity_id);
            let get = |map: &BTreeMap<String, String>| {
                map.get(&key)
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default()
            };
            let (raw_status, raw_owner, comment) =
                (get(&self.status), get(&self.owner), get(&self.comment));
            if comment.chars().count() > MAX_METHOD_COMMENT_CHARS {
                errors.push(FieldError {
                    field: format!("follow_up[comment][{key}]"),
                    message: format!(
                        "Kommentaren får vara högst {MAX_METHOD_COMMENT_CHARS} tecken."
                    ),
                });
            }
            let owner = raw_owner
                .parse::<i64>()
                .ok()
                .filter(|id| parties.contains(id));
            let bad_owner = !raw_owner.is_empty() && owner.is_none();
            if bad_owner {
                errors.push(FieldError {
                    field: format!("follow_up[owner][{key}]"),
                    message: "Välj en nämnd bland satsningens parter.".into(),
                });
            }
            if raw_status.is_empty() {
                if !comment.is_empty() || owner.is_some() {
                    errors.push(FieldError {
                        field: format!("follow_up[status][{key}]"),
                        message: "Välj hur långt metoden är implementerad.".into(),
                    });
                }
                continue;
            }
            let Some(status) = Implementation::from_db(&raw_status) else {
                errors.push(FieldError {
                    field: format!("follow_up[status][{key}]"),
                    message: "Välj en av implementeringsstatusarna.".into(),
                });
                continue;
            };
            if status.needs_owner() && owner.is_none() && !bad_owner {
                errors.push(FieldError {
                    field: format!("follow_up[owner][{key}]"),
                    message: format!(
                        "Ange vilken nämnd som äger metoden när den är ”{}”.",
                        status.label().to_lowercase()
                    ),
                });
            }
            methods.push(MethodStatus {
                activity_id,
                status,
                party_id: owner,
                comment,
            });
        }
        if errors.is_empty() {
            Ok(FollowUpInput { texts, methods })
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// The form filled with what is stored.
    pub fn of(texts: &BTreeMap<String, String>, methods: &[MethodStatus]) -> Self {
        let key = |m: &MethodStatus| method_key(m.activity_id);
        Self {
            text: texts.clone(),
            status: methods
                .iter()
                .map(|m| (key(m), m.status.as_db().to_string()))
                .collect(),
            owner: methods
                .iter()
                .filter_map(|m| Some((key(m), m.party_id?.to_string())))
                .collect(),
            comment: methods
                .iter()
                .map(|m| (key(m), m.comment.clone()))
                .collect(),
        }
    }
}

/// What is missing before the follow-up can be submitted: the empty texts by heading and the
/// methods (by their text) without a status.
pub fn not_ready(
    texts: &BTreeMap<String, String>,
    methods: &[MethodStatus],
    activities: &[(i64, String)],
) -> Vec<String> {
    let mut missing: Vec<String> = TEXTS
        .iter()
        .filter(|(key, _, _)| texts.get(*key).is_none_or(|t| t.trim().is_empty()))
        .map(|(_, heading, _)| heading.to_string())
        .collect();
    missing.extend(
        activities
            .iter()
            .filter(|(id, _)| !methods.iter().any(|m| m.activity_id == *id))
            .map(|(_, text)| format!("status för metoden ”{text}”")),
    );
    missing
}

/// The satsning's projektledare, admin and utvärderare write and submit the follow-up.
pub fn may_write(user: &CurrentUser, initiative: &Initiative) -> bool {
    super::may_edit(user, initiative) || user.has_any(&[Role::Admin, Role::Evaluator])
}

/// Beredning and admin approve (as they review half-year reports).
pub fn may_approve(user: &CurrentUser) -> bool {
    super::may_review(user)
}

/// Where an ended satsning's follow-up stands, for the portfolio's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FollowUpState {
    /// Kommande: ended, due later.
    Upcoming,
    /// Förfallen: the due date has come and it is not submitted.
    Due,
    /// Klar: submitted or approved.
    Done,
}

impl FollowUpState {
    pub const ALL: [FollowUpState; 3] = [
        FollowUpState::Due,
        FollowUpState::Done,
        FollowUpState::Upcoming,
    ];

    /// The portfolio's query value (`?uppfoljning=forfallen`).
    pub fn as_param(self) -> &'static str {
        match self {
            FollowUpState::Upcoming => "kommande",
            FollowUpState::Due => "forfallen",
            FollowUpState::Done => "klar",
        }
    }

    pub fn from_param(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_param() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            FollowUpState::Upcoming => "Kommande",
            FollowUpState::Due => "Förfallen",
            FollowUpState::Done => "Klar",
        }
    }
}

/// The follow-up state of `initiative` on `today`, None while it has not ended.
pub fn state(
    initiative: &Initiative,
    status: Option<FollowUpStatus>,
    today: NaiveDate,
) -> Option<FollowUpState> {
    if !initiative.has_ended(today) {
        return None;
    }
    Some(match status {
        Some(FollowUpStatus::Submitted | FollowUpStatus::Approved) => FollowUpState::Done,
        _ if today >= initiative.follow_up_due() => FollowUpState::Due,
        _ => FollowUpState::Upcoming,
    })
}

/// The page of a satsning's follow-up, where its forms post.
pub fn follow_up_path(initiative_id: i64) -> String {
    format!("/satsningar/{initiative_id}/uppfoljning")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::initiative::{FollowUpYears, Status};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn initiative(status: Status, end: NaiveDate, years: u8) -> Initiative {
        Initiative {
            id: 1,
            name: "Skolfam".into(),
            summary: String::new(),
            target_group: String::new(),
            owner_names: String::new(),
            start: day(2016, 6, 1),
            end,
            budget_sek: 0,
            budget_years: vec![],
            repayment: false,
            status,
            is_example: false,
            parties: vec![],
            leads: vec![(7, "Pia".into())],
            follow_up_years: FollowUpYears::new(years).unwrap(),
        }
    }

    #[test]
    fn statuses_read_back_what_they_store() {
        for s in FollowUpStatus::ALL {
            assert_eq!(FollowUpStatus::from_db(s.as_db()), Some(s));
        }
        for i in Implementation::ALL {
            assert_eq!(Implementation::from_db(i.as_db()), Some(i));
        }
        for s in FollowUpState::ALL {
            assert_eq!(FollowUpState::from_param(s.as_param()), Some(s));
        }
        assert_eq!(Implementation::from_db("klart"), None);
        assert!(!Implementation::NotImplemented.needs_owner());
        assert!(Implementation::ScaledUp.needs_owner());
    }

    #[test]
    fn the_state_follows_the_end_date_the_years_and_the_status() {
        let ended = initiative(Status::Running, day(2019, 6, 30), 1);
        assert_eq!(ended.follow_up_due(), day(2020, 6, 30));
        assert_eq!(state(&ended, None, day(2019, 6, 30)), None, "not ended yet");
        assert_eq!(
            state(&ended, None, day(2019, 7, 1)),
            Some(FollowUpState::Upcoming)
        );
        assert_eq!(
            state(&ended, Some(FollowUpStatus::Draft), day(2020, 6, 30)),
            Some(FollowUpState::Due)
        );
        assert_eq!(
            state(&ended, Some(FollowUpStatus::Submitted), day(2030, 1, 1)),
            Some(FollowUpState::Done)
        );
        let marked = initiative(Status::Ended, day(2030, 1, 1), 3);
        assert_eq!(marked.follow_up_due(), day(2033, 1, 1));
        assert_eq!(
            state(&marked, None, day(2026, 1, 1)),
            Some(FollowUpState::Upcoming),
            "marked avslutad counts as ended"
        );
        let idea = initiative(Status::Idea, day(2019, 6, 30), 2);
        assert_eq!(state(&idea, None, day(2026, 1, 1)), None);
    }

    #[test]
    fn the_form_keeps_the_texts_and_checks_each_method() {
        let mut form = FollowUpForm::default();
        form.text
            .insert("effekter".into(), "  Färre placeringar.  ".into());
        form.status
            .insert("a1".into(), "ordinarie_verksamhet".into());
        form.status.insert("a2".into(), "ej_implementerad".into());
        form.comment.insert("a2".into(), "Lades ned 2020.".into());
        let Err(AppError::Validation(errors)) = form.parse(&[1, 2, 3], &[10, 11]) else {
            panic!("a method in ordinary operations needs its nämnd");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "follow_up[owner][a1]");
        form.owner.insert("a1".into(), "12".into());
        let Err(AppError::Validation(errors)) = form.parse(&[1, 2, 3], &[10, 11]) else {
            panic!("the owner must be a party of the satsning");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "follow_up[owner][a1]");
        form.owner.insert("a1".into(), "11".into());
        let input = form.parse(&[1, 2, 3], &[10, 11]).unwrap();
        assert_eq!(input.texts["effekter"], "Färre placeringar.");
        assert_eq!(input.texts["lardomar"], "");
        assert_eq!(input.methods.len(), 2, "a3 is not assessed yet");
        assert_eq!(input.methods[0].party_id, Some(11));
        assert_eq!(input.methods[1].comment, "Lades ned 2020.");
        let activities = vec![(1, "Skolstöd".into()), (3, "Läxhjälp".into())];
        assert_eq!(
            not_ready(&input.texts, &input.methods, &activities),
            ["Lärdomar", "status för metoden ”Läxhjälp”"]
        );
        assert_eq!(
            FollowUpForm::of(&input.texts, &input.methods).owner["a1"],
            "11"
        );
        form.status.insert("a1".into(), "klart".into());
        assert!(matches!(
            form.parse(&[1, 2, 3], &[10, 11]),
            Err(AppError::Validation(_))
        ));
        form.status.insert("a9".into(), "delvis".into());
        assert!(matches!(
            form.parse(&[1, 2, 3], &[10, 11]),
            Err(AppError::BadRequest(_))
        ));
    }
}
