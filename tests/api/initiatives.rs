//! Satsningar: register, rules, lifecycle, visibility per role and per object.

use app::initiative::InitiativeForm;
use app::initiative::api::{CreateInitiative, UpdateInitiative};
use app::pages::initiative::InitiativeView;
use reqwest::StatusCode;

use crate::builders::{InitiativeBuilder, UserBuilder};
use crate::helpers::{TestApp, spawn_app, spawn_demo_app};
use crate::schema::status;

pub async fn party_id(app: &TestApp, name: &str) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM party WHERE name = $1")
            .bind(name)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    })
}

/// A valid satsning with the two given parties, as the form posts it.
pub fn satsning(name: &str, school: i64, social: i64) -> InitiativeForm {
    InitiativeForm {
        name: name.into(),
        summary: "Samordnat stöd.".into(),
        target_group: "Barn 6–12 år".into(),
        owner_names: "Förvaltningschef A".into(),
        start: "2027-01-01".into(),
        end: "2029-12-31".into(),
        budget: "2 400 000".into(),
        parties: vec![school, social],
        ..InitiativeForm::default()
    }
}

/// Registers `initiative` (the "Registrera satsning" form).
pub fn create(initiative: InitiativeForm) -> CreateInitiative {
    CreateInitiative { initiative }
}

/// Saves `initiative` as satsning `id` (the "Ändra uppgifter" form).
pub fn update(id: i64, initiative: InitiativeForm) -> UpdateInitiative {
    UpdateInitiative { id, initiative }
}

#[tokio::test]
async fn projektledare_registers_a_satsning_and_moves_it_to_beredning_but_not_beslutad() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;

    // Act: register without JavaScript.
    let response = lead
        .submit(
            "/satsningar/ny",
            &create(satsning("Lässatsning Vivalla", school, social)),
        )
        .await;

    // Assert: created, led by its creator, status idé, in the timeline and the audit trail.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let page = lead.get(&location).await.text().await.unwrap();
    assert!(page.contains("Satsningen är registrerad."));
    assert!(page.contains("Pia Projektledare (exempel)"));
    assert!(page.contains("2\u{a0}400\u{a0}000\u{a0}kr"));
    assert!(page.contains("Registrerad som idé"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_event WHERE object_type = 'initiative' AND action = 'create' AND actor_user_id IS NOT NULL").await, 1);

    let id = app.initiative_id("Lässatsning Vivalla").await;
    let path = format!("/satsningar/{id}");
    let step = |to: &str| status(id, to);
    assert_eq!(lead.submit(&path, &step("ansokan")).await.status(), 303);
    assert_eq!(lead.submit(&path, &step("beredning")).await.status(), 303);
    // Skipping a step is refused.
    let skip = lead.submit(&path, &step("pagaende")).await;
    assert_eq!(skip.status(), StatusCode::BAD_REQUEST);
    assert!(
        skip.text()
            .await
            .unwrap()
            .contains("kan inte gå från beredning till pågående")
    );
    // Deciding needs a complete schema, whoever asks.
    let admin = app.as_user("admin@exempel.se").await;
    let decide = admin.submit(&path, &step("beslutad")).await;
    assert_eq!(decide.status(), StatusCode::BAD_REQUEST);
    assert!(
        decide
            .text()
            .await
            .unwrap()
            .contains("utvärderingsschemat är komplett")
    );
    let page = lead.get(&path).await.text().await.unwrap();
    assert!(page.contains("Ansökan → Beredning"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM initiative WHERE status = 'beredning'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn bad_input_is_rejected_per_field_and_nothing_is_saved() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;
    let before = count(&app, "SELECT COUNT(*) FROM initiative").await;

    let valid = || satsning("Giltig", school, social);
    let cases: Vec<(InitiativeForm, &str)> = vec![
        (
            InitiativeForm {
                name: "  ".into(),
                ..valid()
            },
            "Ange satsningens namn.",
        ),
        (
            InitiativeForm {
                start: "2027-02-30".into(),
                ..valid()
            },
            "Ange startdatum som ÅÅÅÅ-MM-DD",
        ),
        (
            InitiativeForm {
                end: "2026-12-31".into(),
                ..valid()
            },
            "Slutdatum måste vara efter startdatum.",
        ),
        (
            InitiativeForm {
                budget: "två miljoner".into(),
                ..valid()
            },
            "Ange budgeten i hela kronor",
        ),
        (
            InitiativeForm {
                name: "x".repeat(300),
                ..valid()
            },
            "högst 200 tecken",
        ),
        (
            InitiativeForm {
                parties: vec![school],
                ..satsning("Bara en nämnd", school, social)
            },
            "minst två nämnder från olika verksamhetsområden",
        ),
        (
            InitiativeForm {
                parties: vec![school, social, 999_999],
                ..valid()
            },
            "En vald part finns inte",
        ),
        (
            InitiativeForm {
                leads: vec![999_999],
                ..valid()
            },
            "En vald projektledare finns inte",
        ),
    ];
    for (form, message) in cases {
        let response = lead.submit("/satsningar/ny", &create(form)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{message}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(message),
            "missing {message:?}: {}",
            html.split("error-summary")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(600)
                .collect::<String>()
        );
        // What the user typed is still there.
        assert!(
            html.contains("Förvaltningschef A"),
            "typed text lost for {message:?}"
        );
    }
    // Script is shown as text.
    let script = InitiativeForm {
        name: "<script>alert(1)</script>".into(),
        end: "2020-01-01".into(),
        ..valid()
    };
    let script = lead.submit("/satsningar/ny", &create(script)).await;
    let html = script.text().await.unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            && !html.contains("<script>alert(1)")
    );
    // A 10 MB name is refused before it is read, in Swedish.
    let (status, body) =
        crate::helpers::post_announcing(&lead, "/satsningar/ny", 10 * 1024 * 1024).await;
    assert_eq!(status, 413);
    assert!(body.contains("för stort"), "{body}");

    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM initiative").await,
        before,
        "nothing saved"
    );
}

#[tokio::test]
async fn projektledare_cannot_read_or_change_another_satsning_by_id() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let other = app.initiative_id("Skolfam").await;
    let own = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;

    // Read: as if it did not exist, in the list, the page, the edit page and the server fn.
    let list = lead.get("/satsningar").await.text().await.unwrap();
    assert!(!list.contains("Skolfam"));
    assert!(list.contains("Familjecentral Brickebacken"));
    assert_eq!(
        lead.get(&format!("/satsningar/{other}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let edit = lead.get(&format!("/satsningar/{other}/redigera")).await;
    assert_eq!(edit.status(), StatusCode::NOT_FOUND);
    assert!(!edit.text().await.unwrap().contains("Bättre skolresultat"));
    let call = lead.call(&InitiativeView { id: other }).await;
    assert_eq!(call.status(), StatusCode::NOT_FOUND);

    // Change: refused, nothing written.
    let form = update(other, satsning("Kapad", school, social));
    let change = lead
        .submit(&format!("/satsningar/{other}/redigera"), &form)
        .await;
    assert_eq!(change.status(), StatusCode::NOT_FOUND);
    let changes = "SELECT COUNT(*) FROM initiative_status_change";
    let before = count(&app, changes).await;
    assert_eq!(
        lead.submit(&format!("/satsningar/{other}"), &status(other, "uppfoljd"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(count(&app, changes).await, before, "no status changed");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM initiative WHERE name = 'Kapad'").await,
        0
    );

    // Their own satsning they may change…
    let form = update(
        own,
        satsning("Familjecentral Brickebacken (fiktiv idé)", school, social),
    );
    assert_eq!(
        lead.submit(&format!("/satsningar/{own}/redigera"), &form)
            .await
            .status(),
        303
    );
    // …until it is decided; then only the evaluation team may.
    app::db_write!(&app.db, |pool| {
        sqlx::query("UPDATE initiative SET status = 'beslutad' WHERE id = $1")
            .bind(own)
            .execute(pool)
            .await
            .map(|_| ())
    })
    .unwrap();
    assert_eq!(
        lead.submit(&format!("/satsningar/{own}/redigera"), &form)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let page = lead
        .get(&format!("/satsningar/{own}/redigera"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Du har inte behörighet"));
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    assert_eq!(
        evaluator
            .submit(&format!("/satsningar/{own}/redigera"), &form)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn readers_see_everything_and_change_nothing() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let list = reader.get("/satsningar").await.text().await.unwrap();
    assert!(list.contains("Visar 13 av 13 satsningar."));
    assert!(list.contains("Exempeldata"));
    assert!(!list.contains("Registrera satsning"));
    assert_eq!(
        reader.get("/satsningar/ny").await.status(),
        StatusCode::FORBIDDEN
    );
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;
    let refused = reader
        .submit(
            "/satsningar/ny",
            &create(satsning("Obehörig", school, social)),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let skolfam = app.initiative_id("Skolfam").await;
    let page = reader
        .get(&format!("/satsningar/{skolfam}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Skolfam") && !page.contains("Ändra status"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM initiative WHERE name = 'Obehörig'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn filters_and_search_narrow_the_list() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("beredning@exempel.se").await;
    let lead_id: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT id FROM user_account WHERE email_key = 'projektledare@exempel.se'",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    let culture = party_id(&app, "Kultur- och fritidsförvaltningen").await;
    let cases = [
        ("/satsningar?q=SKOLFAM".to_string(), 1),
        ("/satsningar?status=pagaende".to_string(), 2),
        ("/satsningar?ar=2016".to_string(), 8),
        (format!("/satsningar?part={culture}"), 1),
        (format!("/satsningar?projektledare={lead_id}"), 3),
        // Skolfam's follow-up is approved: it is uppföljd, no longer avslutad.
        ("/satsningar?status=avslutad&ar=2019&q=skol".to_string(), 2),
        ("/satsningar?status=uppfoljd".to_string(), 1),
        ("/satsningar?q=finns-inte".to_string(), 0),
    ];
    for (path, expected) in cases {
        let html = reader.get(&path).await.text().await.unwrap();
        assert!(
            html.contains(&format!("Visar {expected} av 13 satsningar.")),
            "{path}"
        );
    }
    let empty = reader
        .get("/satsningar?q=finns-inte")
        .await
        .text()
        .await
        .unwrap();
    assert!(empty.contains("Inga satsningar matchar filtret."));
}

#[tokio::test]
async fn another_organisations_satsning_does_not_exist_for_us() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let other = app::organisation::repo::create(
        &app.db,
        &app::organisation::OrganisationInput::parse("0380", "Uppsala kommun", "kommun").unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let a = app::party::repo::create(
        &app.db,
        other.id,
        "Skola Uppsala",
        app::party::PartyKind::Board,
        Some("Skola"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let b = app::party::repo::create(
        &app.db,
        other.id,
        "Social Uppsala",
        app::party::PartyKind::Board,
        Some("IFO"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let parties = app::party::repo::list(&app.db, other.id).await.unwrap();
    let form = InitiativeForm {
        name: "Uppsalas hemliga satsning".into(),
        start: "2026-01-01".into(),
        end: "2028-01-01".into(),
        parties: vec![a, b],
        ..Default::default()
    };
    let input = app::initiative::InitiativeInput::parse(&form, &parties).unwrap();
    let id = app::initiative::repo::create(
        &app.db,
        None,
        other.id,
        &input,
        app::initiative::Status::Idea,
        false,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(
        !admin
            .get("/satsningar")
            .await
            .text()
            .await
            .unwrap()
            .contains("Uppsalas hemliga")
    );
    assert_eq!(
        admin.get(&format!("/satsningar/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    // Another organisation's parties cannot be attached to ours either.
    let ours_school = party_id(&app, "Förvaltningen förskola och skola").await;
    let response = admin
        .submit(
            "/satsningar/ny",
            &create(satsning("Blandad", ours_school, b)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("En vald part finns inte")
    );
}

#[tokio::test]
async fn a_satsnings_history_shows_its_status_changes() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let id = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let r = admin
        .submit(&format!("/satsningar/{id}"), &status(id, "ansokan"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = admin
        .get(&format!("/satsningar/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!(r#"href="/historik/initiative/{id}""#)));
    let history = admin
        .get(&format!("/historik/initiative/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("Historik – satsning"));
    // Stored codes read as their labels.
    assert!(history.contains("Status: Idé → Ansökan"), "{history}");
    assert!(history.contains("Alva Admin (exempel)"));
}

#[tokio::test]
async fn budget_per_year_is_saved_shown_and_checked() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;
    let form = InitiativeForm {
        budget_years: "2027: 800 000\r\n2028: 800 000".into(),
        ..satsning("Budgeterad satsning", school, social)
    };
    let created = lead.submit("/satsningar/ny", &create(form)).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let page = lead
        .get(created.headers()["location"].to_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("2027: 800\u{a0}000\u{a0}kr") && page.contains("2028: 800\u{a0}000\u{a0}kr")
    );

    let outside = InitiativeForm {
        budget_years: "2031: 100".into(),
        ..satsning("Utanför perioden", school, social)
    };
    let response = lead.submit("/satsningar/ny", &create(outside)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains("År 2031 ligger utanför satsningens period."));
    assert!(html.contains("2031: 100"), "typed text kept");
    let too_much = InitiativeForm {
        budget_years: "2027: 3 000 000".into(),
        ..satsning("För mycket", school, social)
    };
    let html = lead
        .submit("/satsningar/ny", &create(too_much))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("mer än totalbudgeten"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM initiative_budget_year").await,
        2
    );
}

#[tokio::test]
async fn a_projektledare_edits_the_satsning_they_lead_and_no_other() {
    // Arrange: without demo data, a projektledare who leads one of two satsningar.
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(app::auth::Role::ProjectLead)
        .named("Pia Ledare")
        .login(&app)
        .await;
    let own = InitiativeBuilder::named("Egen satsning")
        .led_by(&lead)
        .create(&app)
        .await;
    let other = InitiativeBuilder::named("Annans satsning")
        .create(&app)
        .await;
    let (school, social) = (own.parties[0], own.parties[1]);

    // Act
    let saved = browser
        .submit(
            &format!("/satsningar/{}/redigera", own.id),
            &update(own.id, satsning("Egen satsning, ändrad", school, social)),
        )
        .await;
    let refused = browser
        .submit(
            &format!("/satsningar/{}/redigera", other.id),
            &update(other.id, satsning("Kapad", school, social)),
        )
        .await;

    // Assert
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = browser.get(&format!("/satsningar/{}", own.id)).await;
    assert!(
        page.text().await.unwrap().contains("Pia Ledare"),
        "still led by them"
    );
    let list = browser.get("/satsningar").await.text().await.unwrap();
    assert!(list.contains("Egen satsning, ändrad"), "{list}");
    assert!(!list.contains("Annans satsning"));
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM initiative WHERE name = 'Kapad'").await,
        0
    );
}
