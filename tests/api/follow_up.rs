//! Uppföljande utvärdering: the due date from the end date and the satsning's follow-up years;
//! the effects after the end; a projektledare writes and submits their own, cannot approve,
//! and cannot see another organisation's; the beredningsgrupp approves; every step audited;
//! bad input answered in Swedish with what was typed and nothing written; the portfolio's
//! filter; the demo's follow-up.

use app::auth::Role;
use app::halfyear::follow_up::FollowUpForm;
use app::halfyear::follow_up_api::{ApproveFollowUp, SaveFollowUp, SubmitFollowUp};
use app::initiative::Status;
use app::party::PartyKind;
use app::report::Period;
use app::schema::MeasureKind;
use app::schema::repo::Parent;
use reqwest::StatusCode;

use crate::builders::{
    InitiativeBuilder, SchemaBuilder, TestInitiative, TestUser, UserBuilder, measure_form,
    other_organisation, party,
};
use crate::helpers::{
    Backend, TestApp, postgres_database, spawn_app, spawn_app_with, spawn_demo_app,
};

/// `name` as two tests: on SQLite always, on PostgreSQL when `TEST_DATABASE_URL` is set.
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                super::$name(super::spawn_app().await).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                let Some(url) = super::postgres_database().await else {
                    return;
                };
                super::$name(super::spawn_app_with(super::Backend::Postgres(url), |_| {}).await)
                    .await;
            }
        }
    };
}

pub fn page(initiative: i64) -> String {
    format!("/satsningar/{initiative}/uppfoljning")
}

/// A satsning that ran 2022-01-01 – 2024-06-30, led by `lead`, followed up after one year
/// (due 30 June 2025), with one goal, one activity and an effektmått E1 reported half-yearly,
/// 55 at the end and 61 in December 2025, after the end. Returns the activity too.
pub async fn ended(app: &TestApp, lead: &TestUser, name: &str) -> (TestInitiative, i64) {
    let initiative = InitiativeBuilder::named(name)
        .status(Status::Running)
        .period("2022-01-01", "2024-06-30")
        .follow_up_years(1)
        .led_by(lead)
        .create(app)
        .await;
    let schema = SchemaBuilder::new(app, &initiative, lead);
    let goal = schema.goal("Fler klarar skolan").await;
    let activity = schema.activity(goal, "Läxhjälp").await;
    let mut form = measure_form("E1");
    form.name = "Andel godkända".into();
    form.unit = "%".into();
    form.value_type = "andel".into();
    let e1 = schema
        .measure(MeasureKind::Effect, Parent::Activity(activity), &form)
        .await;
    for (year, month, value) in [(2024, 6, 55.0), (2025, 12, 61.0)] {
        let entries = [app::report::repo::Entry {
            measure_id: e1,
            value: Some(value),
            comment: String::new(),
        }];
        let save = app::report::repo::MonthSave {
            period: Period::new(year, month).unwrap(),
            entries: &entries,
            reason: None,
            submit: false,
        };
        let after = app::report::AfterValues::none();
        app::report::repo::save(
            &app.db,
            lead.actor,
            initiative.id,
            save,
            chrono::Utc::now(),
            &after,
        )
        .await
        .unwrap();
    }
    (initiative, activity)
}

/// Both texts written and the activity in ordinary operations, owned by the first nämnd.
pub fn complete(initiative: &TestInitiative, activity: i64, prefix: &str) -> SaveFollowUp {
    let key = format!("a{activity}");
    let mut form = FollowUpForm::default();
    form.text
        .insert("effekter".into(), format!("{prefix}: effekterna håller."));
    form.text
        .insert("lardomar".into(), format!("{prefix}: samverkan bär."));
    form.status
        .insert(key.clone(), "ordinarie_verksamhet".into());
    form.owner
        .insert(key.clone(), initiative.parties[0].to_string());
    form.comment.insert(key, "Ingår i fritidsgården.".into());
    SaveFollowUp {
        id: initiative.id,
        follow_up: form,
    }
}

async fn html(browser: &TestApp, path: &str) -> String {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.text().await.unwrap()
}

async fn status_of(app: &TestApp, initiative: i64) -> Option<String> {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT status FROM follow_up WHERE initiative_id = $1")
            .bind(initiative)
            .fetch_optional(pool)
            .await
            .unwrap()
    })
}

async fn audit_rows(app: &TestApp) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE object_type = 'follow_up'")
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

both_backends!(the_due_date_comes_from_the_end_date_and_the_years);
async fn the_due_date_comes_from_the_end_date_and_the_years(app: TestApp) {
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (one_year, _) = ended(&app, &lead, "Ett år efter").await;
    let three_years = InitiativeBuilder::named("Tre år efter")
        .status(Status::Ended)
        .period("2022-01-01", "2024-06-30")
        .follow_up_years(3)
        .led_by(&lead)
        .create(&app)
        .await;

    let due_soon = html(&browser, &page(one_year.id)).await;
    assert!(due_soon.contains("30 juni 2025 (1 år efter slutdatum)"));
    assert!(due_soon.contains("Försenad"), "due in 2025, not in");
    let later = html(&browser, &page(three_years.id)).await;
    assert!(later.contains("30 juni 2027 (3 år efter slutdatum)"));
    assert!(!later.contains("Försenad"));

    // The satsning page links to it and says when it is due.
    let satsning = html(&browser, &format!("/satsningar/{}", one_year.id)).await;
    assert!(satsning.contains(&format!("href=\"{}\"", page(one_year.id))));
    assert!(satsning.contains("1 år efter slutdatum (30 juni 2025)"));
}

both_backends!(a_projektledare_writes_and_submits_and_the_beredningsgrupp_approves);
async fn a_projektledare_writes_and_submits_and_the_beredningsgrupp_approves(app: TestApp) {
    // Arrange: an ended satsning with an effektmått reported after the end.
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, review_browser) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (initiative, activity) = ended(&app, &lead, "Uppföljningstest").await;
    let at = page(initiative.id);
    let draft = html(&lead_browser, &at).await;
    assert!(draft.contains("Effektmått efter avslut"));
    assert!(
        draft.contains("<td class=\"num\">61</td>"),
        "December 2025, after the end"
    );
    assert!(draft.contains("Inte påbörjad"));

    // Act: the projektledare writes and submits; their own approval is refused.
    let saved = lead_browser
        .submit(&at, &complete(&initiative, activity, "Först"))
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        status_of(&app, initiative.id).await.as_deref(),
        Some("utkast")
    );
    let written = html(&lead_browser, &at).await;
    assert!(written.contains("Först: effekterna håller."));
    let sent = lead_browser
        .submit(&at, &SubmitFollowUp { id: initiative.id })
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let own = lead_browser
        .call(&ApproveFollowUp { id: initiative.id })
        .await;
    assert_eq!(own.status(), StatusCode::FORBIDDEN);
    let locked = lead_browser
        .submit(&at, &complete(&initiative, activity, "Ändrad"))
        .await;
    assert_eq!(locked.status(), StatusCode::CONFLICT);

    // The beredningsgrupp sees it submitted and approves it; the satsning has been marked
    // avslutad meanwhile.
    app::db_write!(&app.db, |pool| {
        sqlx::query("UPDATE initiative SET status = 'avslutad' WHERE id = $1")
            .bind(initiative.id)
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap()
    });
    let for_review = html(&review_browser, &at).await;
    assert!(for_review.contains("Inskickad"));
    assert!(for_review.contains("I ordinarie verksamhet"));
    assert!(for_review.contains("Godkänn uppföljningen"));
    let approved = review_browser
        .submit(&at, &ApproveFollowUp { id: initiative.id })
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);

    // Assert: approved, and created, saved, submitted and approved are four audit rows.
    assert_eq!(
        status_of(&app, initiative.id).await.as_deref(),
        Some("godkand")
    );
    assert_eq!(audit_rows(&app).await, 4);
    // … and the satsning is uppföljd, on its timeline and in the audit trail.
    let (status, timeline, audited): (String, i64, i64) = app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT status,
                    (SELECT COUNT(*) FROM initiative_status_change
                     WHERE initiative_id = $1 AND from_status = 'avslutad' AND to_status = 'uppfoljd'),
                    (SELECT COUNT(*) FROM audit_event
                     WHERE object_type = 'initiative' AND object_id = $1 AND changes LIKE '%uppfoljd%')
             FROM initiative WHERE id = $1",
        )
        .bind(initiative.id)
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert_eq!((status.as_str(), timeline, audited), ("uppfoljd", 1, 1));
    let again = review_browser
        .call(&ApproveFollowUp { id: initiative.id })
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let done = html(&lead_browser, &at).await;
    assert!(done.contains("Godkänd"));
    assert!(
        !done.contains("Spara uppföljningen"),
        "no form once approved"
    );
}

#[tokio::test]
async fn who_may_see_write_and_approve() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, other_lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let elsewhere = other_organisation(&app).await;
    let (_, foreign_admin) = UserBuilder::with_role(Role::Admin)
        .of_organisation(elsewhere)
        .login(&app)
        .await;
    let (initiative, activity) = ended(&app, &lead, "Åtkomsttest").await;
    let at = page(initiative.id);

    // Another organisation's admin and another satsning's projektledare: not found.
    assert_eq!(foreign_admin.get(&at).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        foreign_admin
            .call(&complete(&initiative, activity, "Intrång"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(other_lead.get(&at).await.status(), StatusCode::NOT_FOUND);

    // A reader reads but does not write; an utvärderare writes (the projektledare may be gone).
    assert!(!html(&reader, &at).await.contains("Spara uppföljningen"));
    assert_eq!(
        reader
            .call(&complete(&initiative, activity, "Läsare"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        evaluator
            .submit(&at, &complete(&initiative, activity, "Utvärderare"))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        html(&lead_browser, &at)
            .await
            .contains("Utvärderare: samverkan bär.")
    );

    // A satsning still running has no follow-up page.
    let running = InitiativeBuilder::named("Pågår")
        .status(Status::Running)
        .period("2025-01-01", "2099-12-31")
        .led_by(&lead)
        .create(&app)
        .await;
    assert_eq!(
        lead_browser.get(&page(running.id)).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn effektmatt_are_reported_after_the_end_in_june_and_december() {
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    // Ended 30 June 2024, followed up a year later: December 2024 and June 2025 are open.
    let (initiative, _) = ended(&app, &lead, "Efter avslut").await;
    let id = initiative.id;
    let e1 = crate::reporting::measure_id(&app, id, "E1").await;
    let follow_up = html(&browser, &page(id)).await;
    assert!(follow_up.contains(&format!("href=\"/satsningar/{id}/rapportera/2024-12\"")));
    assert!(follow_up.contains("Rapportera effektmått för juni 2025"));

    // Act: December 2024 is open (and, long past its lock day, corrected by an utvärderare
    // with a reason, as any locked month).
    let december = Period::new(2024, 12).unwrap();
    let form = html(&evaluator, &format!("/satsningar/{id}/rapportera/2024-12")).await;
    assert!(form.contains(&format!("name=\"v[m{e1}]\"")));
    let saved = crate::reporting::post_month(
        &evaluator,
        id,
        december,
        &[(e1, "58", "")],
        &[("orsak", "Rapporteras efter avslut.")],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    // Assert: stored and shown among the effects after the end; other months stay closed.
    assert_eq!(
        crate::reporting::stored(&app, e1, december).await,
        Some((Some(58.0), String::new()))
    );
    assert!(
        html(&browser, &page(id))
            .await
            .contains("<td class=\"num\">58</td>")
    );
    for closed in ["2024-09", "2025-12"] {
        let response = browser
            .get(&format!("/satsningar/{id}/rapportera/{closed}"))
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{closed}");
    }
}

#[tokio::test]
async fn bad_input_keeps_what_was_typed_and_writes_nothing() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, activity) = ended(&app, &lead, "Valideringstest").await;
    let at = page(initiative.id);
    let before = audit_rows(&app).await;

    // In ordinary operations without an owner: 400 at the field, the text kept.
    let mut missing_owner = complete(&initiative, activity, "Skrivet");
    missing_owner.follow_up.owner.clear();
    let refused = lead_browser.submit(&at, &missing_owner).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Ange vilken nämnd som äger metoden"));
    assert!(
        body.contains("Skrivet: effekterna håller."),
        "what was typed"
    );
    assert!(body.contains(&format!("href=\"#follow_up-owner-a{activity}\"")));

    // An owner that is not one of the satsning's nämnder: 400 too.
    let mut stranger = complete(&initiative, activity, "Skrivet");
    stranger
        .follow_up
        .owner
        .insert(format!("a{activity}"), "999999".into());
    assert_eq!(
        lead_browser.submit(&at, &stranger).await.status(),
        StatusCode::BAD_REQUEST
    );

    // Submitting with nothing written: 409 saying what is left.
    let early = lead_browser
        .submit(&at, &SubmitFollowUp { id: initiative.id })
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert!(
        early
            .text()
            .await
            .unwrap()
            .contains("Kvar: Effekter efter avslut")
    );

    // Nothing was written.
    assert_eq!(status_of(&app, initiative.id).await, None);
    assert_eq!(audit_rows(&app).await, before);
}

#[tokio::test]
async fn the_portfolio_filters_ended_satsningar_by_their_follow_up() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    ended(&app, &lead, "Förfallen uppföljning").await;
    let (done, activity) = ended(&app, &lead, "Klar uppföljning").await;
    let done_page = page(done.id);
    lead_browser
        .submit(&done_page, &complete(&done, activity, "Klart"))
        .await;
    let sent = lead_browser
        .submit(&done_page, &SubmitFollowUp { id: done.id })
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    InitiativeBuilder::named("Pågående satsning")
        .status(Status::Running)
        .period("2025-01-01", "2099-12-31")
        .create(&app)
        .await;

    let overdue = html(&reader, "/oversikt?uppfoljning=forfallen").await;
    assert!(overdue.contains("Förfallen uppföljning"));
    assert!(!overdue.contains("Klar uppföljning"));
    assert!(!overdue.contains("Pågående satsning"));
    let finished = html(&reader, "/oversikt?uppfoljning=klar").await;
    assert!(finished.contains("Klar uppföljning"));
    assert!(!finished.contains("Förfallen uppföljning"));
    // The filter is a plain select in the GET form, its choice kept.
    assert!(finished.contains("name=\"uppfoljning\""));
    assert!(finished.contains("<option value=\"klar\" selected"));
}

#[tokio::test]
async fn the_demo_has_an_approved_follow_up_for_skolfam() {
    let app = spawn_demo_app().await;
    let beredning = app.as_user("beredning@exempel.se").await;
    let id = app.initiative_id(app::demo::DEMO_FOLLOW_UP_SATSNING).await;
    let body = html(&beredning, &page(id)).await;
    assert!(body.contains("Exempeldata"));
    assert!(body.contains("Godkänd"));
    assert!(body.contains("I ordinarie verksamhet"));
    assert!(body.contains("Utvidgad till fler målgrupper"));
    assert!(body.contains("Socialförvaltningen"));
    let portfolio = html(&beredning, "/oversikt?uppfoljning=klar").await;
    assert!(portfolio.contains("Skolfam"));
}

#[tokio::test]
async fn the_satsning_form_sets_the_follow_up_years() {
    let app = spawn_app().await;
    let (_, admin) = UserBuilder::with_role(Role::Admin).login(&app).await;
    let school = party(&app, "Skolnämnden", PartyKind::Board, Some("Skola")).await;
    let social = party(&app, "Socialnämnden", PartyKind::Board, Some("IFO")).await;
    let mut form = crate::initiatives::satsning("Treårsuppföljning", school, social);

    // Four years is not a choice: 400 at the field, nothing stored.
    form.follow_up_years = "4".into();
    let refused = admin
        .submit("/satsningar/ny", &crate::initiatives::create(form.clone()))
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Välj 1, 2 eller 3 år efter slutdatum"));
    assert!(body.contains("href=\"#initiative-follow_up_years\""));

    // Three years: stored, shown on the satsning page and chosen in the edit form.
    form.follow_up_years = "3".into();
    let created = admin
        .submit("/satsningar/ny", &crate::initiatives::create(form))
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let id = app.initiative_id("Treårsuppföljning").await;
    let years: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT follow_up_years FROM initiative WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(years, 3);
    let shown = html(&admin, &format!("/satsningar/{id}")).await;
    assert!(shown.contains("3 år efter slutdatum (31 december 2032)"));
    let edit = html(&admin, &format!("/satsningar/{id}/redigera")).await;
    assert!(edit.contains("<option value=\"3\" selected"));
}
