//! Fixture builders: a test says what it sets up — a user with a role, a satsning with its
//! parties, a schema with goals, activities and measures — and gets it through the app's own
//! rules and repositories (the same `InitiativeInput::parse` and `MeasureInput::parse` the forms
//! use), not through SQL. Everything is made in the app's first organisation (the demo's, when
//! the app has demo data), so it sits beside whatever else the test uses.

use app::audit::Actor;
use app::auth::Role;
use app::auth::repo::NewUser;
use app::initiative::{InitiativeForm, InitiativeInput, Status};
use app::party::PartyKind;
use app::schema::repo::{EffectInput, Parent};
use app::schema::{Horizon, MeasureForm, MeasureInput, MeasureKind};
use chrono::Utc;

use crate::helpers::{TestApp, rand_suffix};

/// The password of every user made here.
pub const PASSWORD: &str = "ett långt testlösenord";

/// The app's first organisation, made here (Testkommun) when there is none.
pub async fn organisation(app: &TestApp) -> i64 {
    let existing = app::organisation::repo::list(&app.db).await.unwrap();
    if let Some(first) = existing.first() {
        return first.id;
    }
    let input = app::organisation::OrganisationInput::parse("9999", "Testkommun", "kommun")
        .expect("a valid organisation");
    app::organisation::repo::create(&app.db, &input, Utc::now())
        .await
        .unwrap()
        .id
}

/// A user with a role: `UserBuilder::with_role(Role::ProjectLead).login(&app)`.
pub struct UserBuilder {
    name: String,
    roles: Vec<Role>,
    /// Another organisation than the app's first (made with [`other_organisation`]).
    organisation: Option<i64>,
}

/// A second organisation (Uppsala kommun), for tests of what another organisation must not see.
pub async fn other_organisation(app: &TestApp) -> i64 {
    let input = app::organisation::OrganisationInput::parse("0380", "Uppsala kommun", "kommun")
        .expect("a valid organisation");
    app::organisation::repo::create(&app.db, &input, Utc::now())
        .await
        .unwrap()
        .id
}

/// A user made by a [`UserBuilder`], and their own browser when logged in.
pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub actor: Actor,
}

impl UserBuilder {
    pub fn with_role(role: Role) -> Self {
        Self {
            name: format!("Test {}", role.label()),
            roles: vec![role],
            organisation: None,
        }
    }

    /// The user belongs to `organisation` instead of the app's first.
    pub fn of_organisation(mut self, organisation: i64) -> Self {
        self.organisation = Some(organisation);
        self
    }

    pub fn named(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    /// Creates the account (a fresh e-mail address, password [`PASSWORD`]).
    pub async fn create(self, app: &TestApp) -> TestUser {
        let organisation_id = match self.organisation {
            Some(id) => id,
            None => organisation(app).await,
        };
        let email = format!("test-{}@exempel.se", rand_suffix());
        let user = NewUser {
            organisation_id,
            name: self.name,
            email: email.clone(),
            password_hash: app::auth::password::hash(PASSWORD.into()).await.unwrap(),
            roles: self.roles,
        };
        let id = app::auth::repo::create_user(&app.db, None, &user, Utc::now())
            .await
            .unwrap();
        TestUser {
            id,
            email,
            actor: Actor {
                user_id: id,
                organisation_id,
            },
        }
    }

    /// Creates the account and logs it in, in a browser of its own.
    pub async fn login(self, app: &TestApp) -> (TestUser, TestApp) {
        let user = self.create(app).await;
        let browser = app.with_new_client();
        let response = browser.login(&user.email, PASSWORD).await;
        assert_eq!(response.status(), 303, "login as {}", user.email);
        (user, browser)
    }
}

/// A party (nämnd with its verksamhetsområde, idéburen aktör or bolag) of the organisation.
pub async fn party(app: &TestApp, name: &str, kind: PartyKind, area: Option<&str>) -> i64 {
    let organisation_id = organisation(app).await;
    app::party::repo::create(&app.db, organisation_id, name, kind, area, Utc::now())
        .await
        .unwrap()
}

/// A satsning: `InitiativeBuilder::named("Läxhjälp").led_by(&lead).create(&app)`. By default
/// an idé from 2027 through 2029 with two new nämnder from different verksamhetsområden (so it
/// passes the samverkan rule).
pub struct InitiativeBuilder {
    form: InitiativeForm,
    status: Status,
}

/// A satsning made by an [`InitiativeBuilder`] and the parties it has.
pub struct TestInitiative {
    pub id: i64,
    pub parties: Vec<i64>,
}

impl InitiativeBuilder {
    pub fn named(name: &str) -> Self {
        Self {
            form: InitiativeForm {
                name: name.into(),
                start: "2027-01-01".into(),
                end: "2029-12-31".into(),
                budget: "1 000 000".into(),
                ..InitiativeForm::default()
            },
            status: Status::Idea,
        }
    }

    /// In status `status` (set directly, as the demo data does: no schema is needed for it).
    pub fn status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }

    /// Running from `start` through `end` (ÅÅÅÅ-MM-DD).
    pub fn period(mut self, start: &str, end: &str) -> Self {
        self.form.start = start.into();
        self.form.end = end.into();
        self
    }

    /// Under the återföringsmodell.
    pub fn with_repayment(mut self) -> Self {
        self.form.repayment = true;
        self
    }

    /// Its uppföljande utvärdering `years` (1–3) after the end date.
    pub fn follow_up_years(mut self, years: u8) -> Self {
        self.form.follow_up_years = years.to_string();
        self
    }

    pub fn led_by(mut self, lead: &TestUser) -> Self {
        self.form.leads.push(lead.id);
        self
    }

    pub async fn create(mut self, app: &TestApp) -> TestInitiative {
        let organisation_id = organisation(app).await;
        let tag = rand_suffix();
        self.form.parties = vec![
            party(
                app,
                &format!("Skolnämnd {tag}"),
                PartyKind::Board,
                Some("Skola"),
            )
            .await,
            party(
                app,
                &format!("Socialnämnd {tag}"),
                PartyKind::Board,
                Some("IFO"),
            )
            .await,
        ];
        let known = app::party::repo::list(&app.db, organisation_id)
            .await
            .unwrap();
        let input = InitiativeInput::parse(&self.form, &known).expect("a valid satsning");
        let id = app::initiative::repo::create(
            &app.db,
            None,
            organisation_id,
            &input,
            self.status,
            false,
            Utc::now(),
        )
        .await
        .unwrap();
        TestInitiative {
            id,
            parties: self.form.parties,
        }
    }
}

/// A valid measure form: code `code`, counted monthly, entered by hand, no target.
pub fn measure_form(code: &str) -> MeasureForm {
    MeasureForm {
        code: code.into(),
        name: format!("Mått {code}"),
        unit: "st".into(),
        value_type: "antal".into(),
        frequency: "manad".into(),
        direction: "hogre".into(),
        source: "manuell".into(),
        ..MeasureForm::default()
    }
}

/// Schema parts added by `by` through the schema repository, validated like the forms.
pub struct SchemaBuilder<'a> {
    app: &'a TestApp,
    initiative: i64,
    by: Actor,
}

impl<'a> SchemaBuilder<'a> {
    pub fn new(app: &'a TestApp, initiative: &TestInitiative, by: &TestUser) -> Self {
        Self {
            app,
            initiative: initiative.id,
            by: by.actor,
        }
    }

    /// A mål; returns its id.
    pub async fn goal(&self, text: &str) -> i64 {
        let db = &self.app.db;
        app::schema::repo::add_goal(db, self.by, self.initiative, text, "", Utc::now())
            .await
            .unwrap()
    }

    /// An aktivitet under mål `goal`; returns its id.
    pub async fn activity(&self, goal: i64, text: &str) -> i64 {
        let db = &self.app.db;
        app::schema::repo::add_activity(db, self.by, self.initiative, goal, text, Utc::now())
            .await
            .unwrap()
    }

    /// A measure of `kind` under `parent`; returns its id.
    pub async fn measure(&self, kind: MeasureKind, parent: Parent, form: &MeasureForm) -> i64 {
        let input = MeasureInput::parse(form).expect("a valid measure");
        let (db, at) = (&self.app.db, self.initiative);
        app::schema::repo::add_measure(db, self.by, at, kind, parent, &input, Utc::now())
            .await
            .unwrap()
    }

    /// An ekonomisk effekt on the long term of `yearly_sek` kronor a year, linked to effektmått
    /// `measure`; returns its id.
    pub async fn effect(&self, text: &str, measure: Option<i64>, yearly_sek: i64) -> i64 {
        let input = EffectInput {
            text: text.into(),
            horizon: Horizon::Long,
            party_id: None,
            effect_measure_id: measure,
            yearly_sek,
        };
        app::schema::repo::add_effect(&self.app.db, self.by, self.initiative, &input, Utc::now())
            .await
            .unwrap()
    }
}
