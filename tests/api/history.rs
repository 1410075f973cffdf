//! Händelseloggen (`/historik`): names instead of ids, Swedish amounts, local time, and the
//! filters by satsning, user and kind; who may read which events.

use app::auth::Role;
use app::initiative::{InitiativeForm, InitiativeInput};
use chrono::Utc;

use crate::builders::{InitiativeBuilder, SchemaBuilder, UserBuilder, organisation};
use crate::helpers::spawn_app;

/// The page as text, no-break spaces as plain ones.
async fn page(browser: &crate::helpers::TestApp, path: &str) -> (u16, String) {
    let response = browser.get(path).await;
    let status = response.status().as_u16();
    (
        status,
        response.text().await.unwrap().replace('\u{a0}', " "),
    )
}

#[tokio::test]
async fn the_event_log_reads_as_people_write_and_filters_by_satsning_user_and_kind() {
    let app = spawn_app().await;
    let (admin, as_admin) = UserBuilder::with_role(Role::Admin)
        .named("Ada Admin")
        .login(&app)
        .await;
    let (lead, as_lead) = UserBuilder::with_role(Role::ProjectLead)
        .named("Pia Projekt")
        .login(&app)
        .await;
    let (_, as_evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let second = UserBuilder::with_role(Role::ProjectLead)
        .named("Per Pärm")
        .create(&app)
        .await;
    let alfa = InitiativeBuilder::named("Satsning Alfa")
        .led_by(&lead)
        .create(&app)
        .await;
    let beta = InitiativeBuilder::named("Satsning Beta").create(&app).await;
    SchemaBuilder::new(&app, &alfa, &lead)
        .goal("Fler klarar skolan")
        .await;
    SchemaBuilder::new(&app, &beta, &admin)
        .goal("Färre placeringar")
        .await;
    // The admin raises Alfa's budget and adds a second projektledare.
    let org = organisation(&app).await;
    let before = app::initiative::repo::get(&app.db, org, alfa.id)
        .await
        .unwrap();
    let form = InitiativeForm {
        name: "Satsning Alfa".into(),
        start: "2027-01-01".into(),
        end: "2029-12-31".into(),
        budget: "1 250 000".into(),
        parties: alfa.parties.clone(),
        leads: vec![lead.id, second.id],
        ..InitiativeForm::default()
    };
    let known = app::party::repo::list(&app.db, org).await.unwrap();
    let input = InitiativeInput::parse(&form, &known).unwrap();
    app::initiative::repo::update(&app.db, admin.actor, &before, &input, Utc::now())
        .await
        .unwrap();
    let made = Utc::now();

    let (status, html) = page(&as_admin, "/historik").await;
    assert_eq!(status, 200);
    assert!(html.contains("Händelselogg"));
    assert!(
        html.contains("Budget: 1 000 000 kr → 1 250 000 kr"),
        "amounts in kronor"
    );
    assert!(
        html.contains("Projektledare: Pia Projekt → Pia Projekt, Per Pärm"),
        "names, not ids"
    );
    assert!(
        html.contains("mål Fler klarar skolan"),
        "the object by name"
    );
    assert!(html.contains(&format!(
        "href=\"/satsningar/{}\">Satsning Alfa</a>",
        alfa.id
    )));
    assert!(html.contains("<td>Pia Projekt</td>") && html.contains("<td>Ada Admin</td>"));
    assert!(
        html.contains("<td>Inloggning</td>"),
        "the admin sees logins"
    );
    // Local time (Europe/Stockholm), never UTC.
    let minute = |t: chrono::DateTime<Utc>| app::sv::time::local(t);
    let then = minute(made);
    let a_minute_before = minute(made - chrono::Duration::seconds(60));
    assert!(
        html.contains(&format!("<td>{then}</td>"))
            || html.contains(&format!("<td>{a_minute_before}</td>")),
        "local time {then}"
    );
    assert!(!html.contains(" UTC"));

    // By satsning: Alfa's events (the satsning, its goal), not Beta's.
    let (_, html) = page(&as_admin, &format!("/historik?satsning={}", alfa.id)).await;
    assert!(html.contains("Fler klarar skolan") && html.contains("1 250 000 kr"));
    assert!(!html.contains("Färre placeringar") && !html.contains("<td>Inloggning</td>"));
    // By user: what the admin did.
    let (_, html) = page(&as_admin, &format!("/historik?anvandare={}", admin.id)).await;
    assert!(html.contains("Färre placeringar") && html.contains("1 250 000 kr"));
    assert!(!html.contains("Fler klarar skolan"));
    // By kind: the schema only.
    let (_, html) = page(&as_admin, "/historik?typ=schema").await;
    assert!(html.contains("Fler klarar skolan") && html.contains("Färre placeringar"));
    assert!(!html.contains("1 250 000 kr"));
    // A period that ended yesterday has none of today's events.
    let yesterday = Utc::now().date_naive() - chrono::Duration::days(2);
    let (_, html) = page(&as_admin, &format!("/historik?till={yesterday}")).await;
    assert!(html.contains("Inga händelser matchar filtret."));

    // Utvärderare read the domain's events, not the accounts'; projektledare none.
    let (status, html) = page(&as_evaluator, "/historik").await;
    assert_eq!(status, 200);
    assert!(html.contains("Fler klarar skolan"));
    assert!(!html.contains("<td>Inloggning</td>"));
    assert_eq!(page(&as_evaluator, "/historik?typ=inloggning").await.0, 403);
    assert_eq!(page(&as_lead, "/historik").await.0, 403);
    // Bad dates are refused in Swedish.
    let (status, html) = page(&as_admin, "/historik?fran=2026-12-01&till=2026-11-01").await;
    assert_eq!(status, 400);
    assert!(html.contains("Till-datumet ligger före från-datumet."));
    let (status, _) = page(&as_admin, "/historik?fran=ig%C3%A5r").await;
    assert_eq!(status, 400);
}
