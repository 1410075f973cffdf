//! Accounts, roles and who may do what.
//!
//! Policy in one place:
//! * Passwords: at least [`MIN_PASSWORD_CHARS`] characters (up to [`MAX_PASSWORD_CHARS`]), no
//!   composition rules, and not one of the most common passwords (NIST SP 800-63B, OWASP).
//!   Hashed with argon2id (OWASP parameters) off the async runtime, see `password.rs`.
//! * Login answers the same for an unknown e-mail, a wrong password, a deactivated or a
//!   locked account, so nobody can probe which accounts exist.
//! * After [`LOCKOUT_THRESHOLD`] failures in a row an account is locked for
//!   [`LOCKOUT_MINUTES`] minutes (counter in the database, shared by all app instances).
//! * Sessions live in the database (several instances share them); see `session.rs`.

pub mod admin;
pub mod api;
pub mod link_mail;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod session;
pub mod ui;

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (long passphrases are welcome; this only bounds hashing work).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Failed logins in a row before the account is locked.
pub const LOCKOUT_THRESHOLD: i32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;

/// Roll: what a user may see and do. A user may have several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Processledare: administers users and the whole process.
    Admin,
    /// Utvärderare (utvärderingsteam/analysgrupp): schemas, unit costs, exports.
    Evaluator,
    /// Beredningsgrupp: reviews deviations and half-year reports.
    Review,
    /// Projektledare: reports for the satsningar they are assigned to.
    ProjectLead,
    /// Läsare (styrgrupp, förvaltningschefer): reads only.
    Reader,
}

impl Role {
    /// Every role, in the order they are listed in the UI.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Evaluator,
        Role::Review,
        Role::ProjectLead,
        Role::Reader,
    ];

    /// The value stored in the database and used in forms.
    pub fn as_db(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Evaluator => "utvarderare",
            Role::Review => "beredning",
            Role::ProjectLead => "projektledare",
            Role::Reader => "lasare",
        }
    }

    /// Parses the stored value.
    pub fn from_db(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_db() == value)
    }

    /// Swedish label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Processledare",
            Role::Evaluator => "Utvärderare",
            Role::Review => "Beredningsgrupp",
            Role::ProjectLead => "Projektledare",
            Role::Reader => "Läsare",
        }
    }
}

/// Den inloggade användaren: who is asking, on behalf of which organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
}

impl CurrentUser {
    /// `true` if the user has `role`.
    /// This user as the actor of a change, for the audit trail.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            user_id: self.id,
            organisation_id: self.organisation_id,
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// `true` if the user has any of `roles`.
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|role| self.has(*role))
    }

    /// Roles as a readable Swedish list.
    pub fn role_labels(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The key an e-mail address is looked up by: trimmed and lower-cased.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plausible e-mail address: something@domain.tld, no spaces, not absurdly long.
pub fn is_plausible_email(email: &str) -> bool {
    let email = email.trim();
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && email.len() <= 254
}

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect()
});

/// Checks a new password against the policy; `None` if acceptable, else a Swedish message.
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Some(format!(
            "Lösenordet behöver vara minst {MIN_PASSWORD_CHARS} tecken. Ett långt lösenord av några ord är lätt att minnas och svårt att gissa."
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Some(format!(
            "Lösenordet får vara högst {MAX_PASSWORD_CHARS} tecken."
        ));
    }
    if COMMON_PASSWORDS.contains(password.to_lowercase().as_str()) {
        return Some("Lösenordet är ett av de vanligaste och gissas lätt. Välj ett annat.".into());
    }
    None
}

/// Användarformuläret: an account as the admin typed it, for a new one and for a change.
/// Posted as the server functions' argument `user`, so the HTML names are `user[name]`,
/// `user[roles][lasare]` and so on, and so are the fields in its validation errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    /// Namn.
    pub name: String,
    /// E-post.
    pub email: String,
    /// Roller: one checkbox per role, `user[roles][<role>]=ja`.
    #[serde(default, with = "ticked_roles")]
    pub roles: Vec<Role>,
    /// Aktivt konto (kryssruta; only on the form for an existing account).
    #[serde(default, with = "crate::form::checkbox")]
    pub active: bool,
}

/// Serde helpers for the role checkboxes: keyed by the role's stored name.
mod ticked_roles {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Role;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Role>, D::Error> {
        let ticked = BTreeMap::<String, String>::deserialize(d)?;
        Ok(Role::ALL
            .into_iter()
            .filter(|role| ticked.contains_key(role.as_db()))
            .collect())
    }

    pub fn serialize<S: Serializer>(roles: &[Role], s: S) -> Result<S::Ok, S::Error> {
        let ticked: BTreeMap<&str, &str> = roles.iter().map(|r| (r.as_db(), "ja")).collect();
        ticked.serialize(s)
    }
}

/// Validated account details from the admin's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInput {
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
}

/// Longest name accepted.
pub const MAX_NAME_CHARS: usize = 120;

impl UserInput {
    /// Validates the form; every bad field gets its own Swedish message.
    pub fn parse(form: &UserForm) -> Result<Self, crate::error::AppError> {
        use crate::error::{AppError, FieldError};
        let mut errors = Vec::new();
        let name = form.name.trim();
        if name.is_empty() {
            errors.push(FieldError {
                field: "user[name]".into(),
                message: "Ange personens namn.".into(),
            });
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.push(FieldError {
                field: "user[name]".into(),
                message: format!("Namnet får vara högst {MAX_NAME_CHARS} tecken."),
            });
        }
        let email = form.email.trim();
        if !is_plausible_email(email) {
            errors.push(FieldError {
                field: "user[email]".into(),
                message: "Ange en e-postadress, till exempel namn@kommun.se.".into(),
            });
        }
        if form.roles.is_empty() {
            errors.push(FieldError {
                field: "user[roles]".into(),
                message: "Välj minst en roll.".into(),
            });
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let mut roles = form.roles.clone();
        roles.sort();
        roles.dedup();
        Ok(Self {
            name: name.to_string(),
            email: email.to_string(),
            roles,
        })
    }
}

/// `true` for a path on this site. Redirecting only to such paths stops "open redirect"
/// phishing links (`//evil.example`, `/\\evil.example`, `https://…`).
///
/// Accepted: one leading `/` followed by printable ASCII only (a path and query as a browser
/// sends them, percent-encoded). Rejected besides `//` and `\\`: every control character and
/// space, because browsers drop tabs and newlines from a URL (`/\t/evil.example` becomes
/// `//evil.example`), and a newline cannot be put into a `Location` header at all.
pub fn is_local_path(path: &str) -> bool {
    let mut bytes = path.bytes();
    bytes.next() == Some(b'/')
        && !matches!(bytes.next(), Some(b'/' | b'\\'))
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

/// Where to go after login: `next` if it is a local page (not the login/logout pages
/// themselves), else the start page.
/// Where a user lands after logging in: the portfolio for those who follow many satsningar
/// (admin, beredning, utvärderare, läsare), the personal start page for the others.
pub fn start_page(roles: &[Role]) -> &'static str {
    if roles.iter().any(|r| {
        matches!(
            r,
            Role::Admin | Role::Review | Role::Evaluator | Role::Reader
        )
    }) {
        "/oversikt"
    } else {
        "/"
    }
}

pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_local_path(path) && !path.starts_with("/logga-") => path.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_the_database_value() {
        for role in Role::ALL {
            assert_eq!(Role::from_db(role.as_db()), Some(role));
        }
        assert_eq!(Role::from_db("superuser"), None);
    }

    #[test]
    fn password_policy_length_and_common_list_only() {
        assert!(password_problem("kort").unwrap().contains("minst 8"));
        assert!(
            password_problem("password1")
                .unwrap()
                .contains("vanligaste")
        );
        assert!(
            password_problem("Lösenord123")
                .unwrap()
                .contains("vanligaste")
        );
        // No composition rules: a long lower-case phrase is fine.
        assert_eq!(password_problem("blåbär i skogen på hösten"), None);
        assert_eq!(password_problem("utfall-demo"), None);
        assert!(password_problem(&"a".repeat(MAX_PASSWORD_CHARS + 1)).is_some());
        assert_eq!(password_problem(&"ab".repeat(32)), None);
    }

    #[test]
    fn email_key_ignores_case_and_spaces() {
        assert_eq!(email_key("  Anna.Berg@Orebro.SE "), "anna.berg@orebro.se");
        assert!(is_plausible_email("anna@orebro.se"));
        assert!(!is_plausible_email("anna@orebro"));
        assert!(!is_plausible_email("anna orebro.se"));
        assert!(!is_plausible_email("an na@orebro.se"));
    }

    #[test]
    fn user_input_reports_every_bad_field() {
        let form = UserForm {
            name: " ".into(),
            email: "inte-en-adress".into(),
            ..UserForm::default()
        };
        let error = UserInput::parse(&form).unwrap_err();
        assert_eq!(
            error.message_for("user[name]"),
            Some("Ange personens namn.")
        );
        assert!(error.message_for("user[email]").is_some());
        assert_eq!(
            error.message_for("user[roles]"),
            Some("Välj minst en roll.")
        );
        let ok = UserInput::parse(&UserForm {
            name: " Anna ".into(),
            email: "anna@orebro.se".into(),
            roles: vec![Role::Reader, Role::Admin, Role::Reader],
            active: false,
        })
        .unwrap();
        assert_eq!(ok.roles, vec![Role::Admin, Role::Reader]);
        assert_eq!(ok.name, "Anna");
    }

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/satsningar/4")), "/satsningar/4");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/sida\r\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_next(Some(" /satsningar")), "/");
        assert_eq!(safe_next(Some("/x/\\evil.example")), "/");
        assert_eq!(
            safe_next(Some("/satsningar?status=pagaende&sida=2")),
            "/satsningar?status=pagaende&sida=2"
        );
        assert_eq!(safe_next(Some("/logga-ut")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(start_page(&[Role::Reader]), "/oversikt");
        assert_eq!(start_page(&[Role::ProjectLead]), "/");
    }
}

/// The user making this server-function call, if they have one of `roles`. Otherwise the
/// call fails with 401 (not logged in) or 403 (logged in, wrong role; audited).
#[cfg(feature = "ssr")]
pub async fn require(roles: &[Role]) -> Result<CurrentUser, crate::error::AppError> {
    use crate::audit::{Action, Event};
    use crate::error::AppError;
    use leptos::prelude::{expect_context, use_context};

    let parts = use_context::<http::request::Parts>();
    let user = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<CurrentUser>().cloned());
    let Some(user) = user else {
        return Err(AppError::Unauthenticated);
    };
    if user.has_any(roles) {
        return Ok(user);
    }
    let db = expect_context::<crate::db::Db>();
    let event = Event {
        organisation_id: Some(user.organisation_id),
        actor_user_id: Some(user.id),
        action: Action::AccessDenied,
        object_type: "server_fn",
        object_id: None,
        changes: serde_json::json!({ "path": parts.map(|p| p.uri.path().to_string()) }).to_string(),
        ip: None,
    };
    crate::audit::repo::record_alone(&db, &event, chrono::Utc::now()).await?;
    Err(AppError::Forbidden)
}

/// Who may open a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Only users with one of these roles.
    Roles(&'static [Role]),
}

/// The access rule for a page path: the one table both the server (status codes, audit of
/// denied access) and the pages themselves (what to render) consult.
pub fn page_access(path: &str) -> Access {
    let path = path.trim_end_matches('/');
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if under("/admin") || under("/historik/user_account") || under("/utskick") {
        Access::Roles(&[Role::Admin])
    } else if under("/fonden") {
        Access::Roles(&[Role::Admin, Role::Evaluator, Role::Review, Role::Reader])
    } else if under("/historik")
        || under("/parter")
        || under("/indikatorer")
        || under("/enhetskostnader/import")
    {
        Access::Roles(&[Role::Admin, Role::Evaluator])
    } else if under("/halvarsredovisningar") {
        Access::Roles(&[Role::Admin, Role::Review])
    } else if under("/rapportering") || path == "/avvikelser" || under("/avvikelser/mote") {
        Access::Roles(&[Role::Admin, Role::Review, Role::Evaluator])
    } else if under("/avvikelser") {
        // A flag's page follows its satsning (checked per object by the server function).
        Access::Roles(&Role::ALL)
    } else if path == "/satsningar/ny"
        || (path.starts_with("/satsningar/") && path.ends_with("/redigera"))
    {
        Access::Roles(&[Role::Admin, Role::Evaluator, Role::ProjectLead])
    } else if under("/satsningar")
        || under("/oversikt")
        || under("/profil")
        || under("/enhetskostnader")
    {
        Access::Roles(&Role::ALL)
    } else {
        Access::Public
    }
}

/// What to do with a request for a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not logged in: send to the login page.
    Login,
    /// Logged in without the role: 403.
    Forbidden,
}

/// Applies an access rule to the (possibly absent) user.
pub fn decide(access: Access, user: Option<&CurrentUser>) -> Decision {
    match (access, user) {
        (Access::Public, _) => Decision::Allow,
        (Access::Roles(_), None) => Decision::Login,
        (Access::Roles(roles), Some(user)) if user.has_any(roles) => Decision::Allow,
        (Access::Roles(_), Some(_)) => Decision::Forbidden,
    }
}

#[cfg(test)]
mod access_tests {
    use super::*;

    fn user(roles: &[Role]) -> CurrentUser {
        CurrentUser {
            id: 1,
            organisation_id: 1,
            name: "Test".into(),
            email: "t@exempel.se".into(),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn admin_pages_need_the_admin_role() {
        let access = page_access("/admin/anvandare");
        assert_eq!(decide(access, None), Decision::Login);
        assert_eq!(
            decide(access, Some(&user(&[Role::Reader]))),
            Decision::Forbidden
        );
        assert_eq!(
            decide(access, Some(&user(&[Role::Reader, Role::Admin]))),
            Decision::Allow
        );
    }

    #[test]
    fn account_histories_are_admins_like_the_accounts() {
        let evaluator = user(&[Role::Evaluator]);
        assert_eq!(
            decide(page_access("/historik/user_account/3"), Some(&evaluator)),
            Decision::Forbidden
        );
        assert_eq!(
            decide(page_access("/historik/initiative/3"), Some(&evaluator)),
            Decision::Allow
        );
        assert_eq!(
            decide(
                page_access("/historik/user_account/3"),
                Some(&user(&[Role::Admin]))
            ),
            Decision::Allow
        );
    }

    #[test]
    fn public_pages_are_open() {
        for path in ["/", "/tillganglighet", "/logga-in", "/finns-inte"] {
            assert_eq!(decide(page_access(path), None), Decision::Allow, "{path}");
        }
        // "/administration-x" is not under /admin/.
        assert_eq!(page_access("/administrationx"), Access::Public);
    }

    #[test]
    fn satsningar_need_login_and_registering_needs_a_working_role() {
        assert_eq!(decide(page_access("/satsningar"), None), Decision::Login);
        assert_eq!(
            decide(page_access("/satsningar/4"), Some(&user(&[Role::Reader]))),
            Decision::Allow
        );
        assert_eq!(
            decide(page_access("/satsningar/ny"), Some(&user(&[Role::Reader]))),
            Decision::Forbidden
        );
        assert_eq!(
            decide(
                page_access("/satsningar/4/redigera"),
                Some(&user(&[Role::ProjectLead]))
            ),
            Decision::Allow
        );
    }
}
