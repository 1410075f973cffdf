//! Satsningar: register, rules, lifecycle, visibility per role and per object.

use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_demo_app};

pub async fn party_id(app: &TestApp, name: &str) -> String {
    let id: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM party WHERE name = $1")
            .bind(name)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    id.to_string()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    })
}

/// The form fields of a valid satsning with the two given parties.
pub fn fields<'a>(name: &'a str, school: &'a str, social: &'a str) -> Vec<(String, String)> {
    vec![
        ("_atgard".into(), "/api/satsningar/skapa".into()),
        ("namn".into(), name.into()),
        ("beskrivning".into(), "Samordnat stöd.".into()),
        ("malgrupp".into(), "Barn 6–12 år".into()),
        ("agare".into(), "Förvaltningschef A".into()),
        ("start".into(), "2027-01-01".into()),
        ("slut".into(), "2029-12-31".into()),
        ("budget".into(), "2 400 000".into()),
        (format!("parter[n{school}]"), "ja".into()),
        (format!("parter[n{social}]"), "ja".into()),
    ]
}

async fn post(user: &TestApp, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    user.post_form(path, &borrowed).await
}

#[tokio::test]
async fn projektledare_registers_a_satsning_and_moves_it_to_beredning_but_not_beslutad() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;

    // Act: register without JavaScript.
    let response = post(
        &lead,
        "/satsningar/ny",
        &fields("Lässatsning Vivalla", &school, &social),
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
    let step = |to: &str| {
        vec![
            ("_atgard".to_string(), "/api/satsningar/status".to_string()),
            ("id".to_string(), id.to_string()),
            ("till".to_string(), to.to_string()),
        ]
    };
    assert_eq!(post(&lead, &path, &step("ansokan")).await.status(), 303);
    assert_eq!(post(&lead, &path, &step("beredning")).await.status(), 303);
    // Skipping a step is refused.
    let skip = post(&lead, &path, &step("pagaende")).await;
    assert_eq!(skip.status(), StatusCode::BAD_REQUEST);
    assert!(
        skip.text()
            .await
            .unwrap()
            .contains("kan inte gå från beredning till pågående")
    );
    // Deciding needs a complete schema, whoever asks.
    let admin = app.as_user("admin@exempel.se").await;
    let decide = post(&admin, &path, &step("beslutad")).await;
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

    let with = |changes: &[(&str, &str)]| {
        let mut f = fields("Giltig", &school, &social);
        for (key, value) in changes {
            match f.iter_mut().find(|(k, _)| k == key) {
                Some(field) => field.1 = value.to_string(),
                None => f.push((key.to_string(), value.to_string())),
            }
        }
        f
    };
    let cases: Vec<(Vec<(String, String)>, &str)> = vec![
        (with(&[("namn", "  ")]), "Ange satsningens namn."),
        (
            with(&[("start", "2027-02-30")]),
            "Ange startdatum som ÅÅÅÅ-MM-DD",
        ),
        (
            with(&[("slut", "2026-12-31")]),
            "Slutdatum måste vara efter startdatum.",
        ),
        (
            with(&[("budget", "två miljoner")]),
            "Ange budgeten i hela kronor",
        ),
        (with(&[("namn", &"x".repeat(300))]), "högst 200 tecken"),
        (
            fields("Bara en nämnd", &school, &social)
                .into_iter()
                .take(9)
                .collect(),
            "minst två nämnder från olika verksamhetsområden",
        ),
        (
            with(&[("parter[n999999]", "ja")]),
            "En vald part finns inte",
        ),
        (
            with(&[("projektledare[n999999]", "ja")]),
            "En vald projektledare finns inte",
        ),
    ];
    for (form, message) in cases {
        let response = post(&lead, "/satsningar/ny", &form).await;
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
    let script = post(
        &lead,
        "/satsningar/ny",
        &with(&[
            ("namn", "<script>alert(1)</script>"),
            ("slut", "2020-01-01"),
        ]),
    )
    .await;
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
    let id_text = other.to_string();
    let call = lead
        .post_form("/api/satsningar/visa", &[("id", &id_text)])
        .await;
    assert_eq!(call.status(), StatusCode::NOT_FOUND);

    // Change: refused, nothing written.
    let mut form = fields("Kapad", &school, &social);
    form[0].1 = "/api/satsningar/andra".into();
    form.push(("id".into(), other.to_string()));
    let change = post(&lead, &format!("/satsningar/{other}/redigera"), &form).await;
    assert_eq!(change.status(), StatusCode::NOT_FOUND);
    let status = vec![
        ("_atgard".to_string(), "/api/satsningar/status".to_string()),
        ("id".to_string(), other.to_string()),
        ("till".to_string(), "uppfoljd".to_string()),
    ];
    assert_eq!(
        post(&lead, &format!("/satsningar/{other}"), &status)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM initiative WHERE name = 'Kapad' OR status = 'uppfoljd'"
        )
        .await,
        0
    );

    // Their own satsning they may change…
    let mut form = fields("Familjecentral Brickebacken (fiktiv idé)", &school, &social);
    form[0].1 = "/api/satsningar/andra".into();
    form.push(("id".into(), own.to_string()));
    assert_eq!(
        post(&lead, &format!("/satsningar/{own}/redigera"), &form)
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
        post(&lead, &format!("/satsningar/{own}/redigera"), &form)
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
        post(&evaluator, &format!("/satsningar/{own}/redigera"), &form)
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
    let create = post(
        &reader,
        "/satsningar/ny",
        &fields("Obehörig", &school, &social),
    )
    .await;
    assert_eq!(create.status(), StatusCode::FORBIDDEN);
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
        ("/satsningar?status=avslutad&ar=2019&q=skol".to_string(), 3),
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
    let form = app::initiative::InitiativeForm {
        name: "Uppsalas hemliga satsning",
        start: "2026-01-01",
        end: "2028-01-01",
        party_ids: vec![a, b],
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
    let response = post(
        &admin,
        "/satsningar/ny",
        &fields("Blandad", &ours_school, &b.to_string()),
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
async fn the_party_register_takes_new_parties_by_the_rules() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let ok = evaluator
        .post_form(
            "/parter",
            &[
                ("_atgard", "/api/parter/skapa"),
                ("namn", "Föreningen Vi i Vivalla"),
                ("typ", "ideburen"),
                ("omrade", ""),
                ("ideburen_typ", "forening"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let page = evaluator
        .get("/parter?sparad=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Föreningen Vi i Vivalla") && page.contains("Parten är tillagd."));

    let before = count(&app, "SELECT COUNT(*) FROM party").await;
    for (fields, message) in [
        (
            vec![
                ("namn", "Konsultbolaget AB"),
                ("typ", "ideburen"),
                ("omrade", ""),
                ("ideburen_typ", ""),
            ],
            "Vinstdrivande företag kan inte vara parter",
        ),
        (
            vec![
                ("namn", "Tekniska nämnden"),
                ("typ", "namnd"),
                ("omrade", " "),
                ("ideburen_typ", ""),
            ],
            "Ange nämndens verksamhetsområde",
        ),
        (
            vec![
                ("namn", "socialförvaltningen"),
                ("typ", "namnd"),
                ("omrade", "IFO"),
                ("ideburen_typ", ""),
            ],
            "Det finns redan en part med det namnet.",
        ),
    ] {
        let mut all = vec![("_atgard", "/api/parter/skapa")];
        all.extend(fields);
        let response = evaluator.post_form("/parter", &all).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{message}");
        assert!(
            response.text().await.unwrap().contains(message),
            "{message}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM party").await, before);

    let lead = app.as_user("projektledare@exempel.se").await;
    assert_eq!(lead.get("/parter").await.status(), StatusCode::FORBIDDEN);
    let denied = lead
        .post_form(
            "/parter",
            &[
                ("_atgard", "/api/parter/skapa"),
                ("namn", "X"),
                ("typ", "bolag"),
                ("omrade", ""),
            ],
        )
        .await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_satsnings_history_shows_its_status_changes() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let id = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let r = admin
        .post_form(
            &format!("/satsningar/{id}"),
            &[
                ("_atgard", "/api/satsningar/status"),
                ("id", &id.to_string()),
                ("till", "ansokan"),
            ],
        )
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
    assert!(history.contains("Status: ide → ansokan"), "{history}");
    assert!(history.contains("Alva Admin (exempel)"));
}

#[tokio::test]
async fn budget_per_year_is_saved_shown_and_checked() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;
    let mut form = fields("Budgeterad satsning", &school, &social);
    form.push((
        "budget_per_ar".into(),
        "2027: 800 000\r\n2028: 800 000".into(),
    ));
    let created = post(&lead, "/satsningar/ny", &form).await;
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

    let mut outside = fields("Utanför perioden", &school, &social);
    outside.push(("budget_per_ar".into(), "2031: 100".into()));
    let response = post(&lead, "/satsningar/ny", &outside).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains("År 2031 ligger utanför satsningens period."));
    assert!(html.contains("2031: 100"), "typed text kept");
    let mut too_much = fields("För mycket", &school, &social);
    too_much.push(("budget_per_ar".into(), "2027: 3 000 000".into()));
    let html = post(&lead, "/satsningar/ny", &too_much)
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
async fn parties_are_renamed_and_deactivated_without_leaving_their_satsningar() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let party = |name: &'static str| {
        let app = &app;
        async move {
            app::db_read!(&app.db, |pool| {
                sqlx::query_scalar::<_, i64>("SELECT id FROM party WHERE name = $1")
                    .bind(name)
                    .fetch_one(pool)
                    .await
                    .unwrap()
            })
        }
    };
    let club = party("Vivalla IK (fiktiv förening)").await;
    let school = party("Förvaltningen förskola och skola").await;
    let edit = |id: i64, name: &str, active: bool| {
        let mut f: Vec<(String, String)> = vec![
            ("_atgard".into(), "/api/parter/andra".into()),
            ("part_id".into(), id.to_string()),
            ("namn".into(), name.into()),
            ("typ".into(), "ideburen".into()),
            ("ideburen_typ".into(), "forening".into()),
        ];
        if active {
            f.push(("aktiv".into(), "ja".into()));
        }
        f
    };

    // A name taken by another party is refused on the party's own form, typed text kept.
    let taken = post(
        &evaluator,
        "/parter",
        &edit(club, "Socialförvaltningen", true),
    )
    .await;
    assert_eq!(taken.status(), StatusCode::BAD_REQUEST);
    let html = taken.text().await.unwrap();
    assert!(html.contains("Det finns redan en part med det namnet."));
    assert!(html.contains(&format!("id=\"namn-{club}\"")));
    // An unknown party is not found.
    let missing = post(&evaluator, "/parter", &edit(999_999, "Ny förening", true)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Act: rename and deactivate.
    let saved = post(&evaluator, "/parter", &edit(club, "Vivalla IK", false)).await;

    // Assert
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let register = evaluator.get("/parter").await.text().await.unwrap();
    assert!(register.contains("Vivalla IK") && register.contains("Inaktiv"));
    let audited = count(
        &app,
        "SELECT COUNT(*) FROM audit_event WHERE object_type = 'party' AND action = 'update'",
    )
    .await;
    assert_eq!(audited, 1);
    // Not offered for new satsningar …
    let new_page = evaluator.get("/satsningar/ny").await.text().await.unwrap();
    assert!(!new_page.contains(&format!("parter[n{club}]")));
    // … but kept, and still valid, on the satsning that has it.
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let edit_page = evaluator
        .get(&format!("/satsningar/{id}/redigera"))
        .await
        .text()
        .await
        .unwrap();
    assert!(edit_page.contains(&format!("parter[n{club}]")));
    let mut form = fields(
        "Läxhjälp i Vivalla (fiktiv)",
        &school.to_string(),
        &club.to_string(),
    );
    form[0].1 = "/api/satsningar/andra".into();
    form.push(("id".into(), id.to_string()));
    let path = format!("/satsningar/{id}/redigera");
    assert_eq!(post(&evaluator, &path, &form).await.status(), 303);
    // A new satsning cannot pick it.
    let new = fields(
        "Ny satsning med inaktiv part",
        &school.to_string(),
        &club.to_string(),
    );
    assert_eq!(
        post(&evaluator, "/satsningar/ny", &new).await.status(),
        StatusCode::BAD_REQUEST
    );
}
