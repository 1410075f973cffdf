//! Startsidan per roll: the projektledare's Att göra, what changed for the beredningsgrupp,
//! the fund at a glance for läsare, and the public page before login.

use app::auth::Role;
use app::initiative::Status;
use app::report::Period;
use app::report::repo::{Entry, MonthSave};
use app::schema::MeasureKind;
use app::schema::repo::Parent;
use chrono::{Datelike, Utc};

use crate::builders::{
    InitiativeBuilder, SchemaBuilder, TestInitiative, TestUser, UserBuilder, measure_form,
};
use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};

/// Rules under which last month stays open all of this month whatever today's date: due on
/// the 28th, locked only after the month's last day.
pub(crate) async fn open_month_app() -> TestApp {
    spawn_app_with(Backend::Sqlite, |config| {
        config.report_due_day = 28;
        config.report_lock_day = 31;
    })
    .await
}

pub(crate) fn last_month() -> Period {
    Period::of(app::sv::time::local_date(Utc::now())).prev()
}

/// A running satsning led by `lead` from two years back to next year.
pub(crate) async fn running(app: &TestApp, name: &str, lead: &TestUser) -> TestInitiative {
    let year = Utc::now().year();
    InitiativeBuilder::named(name)
        .period(
            &format!("{}-01-01", year - 2),
            &format!("{}-12-31", year + 1),
        )
        .status(Status::Running)
        .led_by(lead)
        .create(app)
        .await
}

/// One monthly aktivitetsmått "A1" under a mål and an aktivitet; with `target`, a flat target
/// line at 100 (higher is better) with tolerances 5 (gul) and 10 (röd).
pub(crate) async fn measure(
    app: &TestApp,
    initiative: &TestInitiative,
    by: &TestUser,
    target: bool,
) -> i64 {
    let schema = SchemaBuilder::new(app, initiative, by);
    let goal = schema.goal("Fler klarar skolan").await;
    let activity = schema.activity(goal, "Läxhjälp").await;
    let year = Utc::now().year();
    let mut form = measure_form("A1");
    if target {
        form.baseline = "100".into();
        form.baseline_date = format!("{}-01-01", year - 2);
        form.target = "100".into();
        form.target_date = format!("{}-12-31", year + 1);
        form.tolerance_yellow = "5".into();
        form.tolerance_red = "10".into();
    }
    schema
        .measure(MeasureKind::Activity, Parent::Activity(activity), &form)
        .await
}

/// Saves `value` for `measure` in `period` through the repository, marked inrapporterad when
/// `submit`.
async fn report(
    app: &TestApp,
    by: &TestUser,
    initiative: i64,
    measure: i64,
    period: Period,
    value: f64,
    submit: bool,
) {
    let entries = [Entry {
        measure_id: measure,
        value: Some(value),
        comment: String::new(),
    }];
    let month = MonthSave {
        period,
        entries: &entries,
        reason: None,
        submit,
    };
    let after = app::report::AfterValues::none();
    app::report::repo::save(&app.db, by.actor, initiative, month, Utc::now(), &after)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_projektledare_starts_with_the_months_to_report_and_the_button_opens_the_form() {
    let app = open_month_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let mine = running(&app, "Läxhjälp i Start", &lead).await;
    let a1 = measure(&app, &mine, &lead, false).await;
    let (other_lead, _) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let theirs = running(&app, "Någon annans satsning", &other_lead).await;
    let month = last_month();
    let form = format!("/satsningar/{}/rapportera/{month}", mine.id);

    let page = browser.get("/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Att göra"), "{html}");
    assert!(
        html.contains(&format!("href=\"{form}\"")),
        "a Rapportera button for {month}"
    );
    assert!(html.contains(&format!(
        "Rapportera {} för Läxhjälp i Start",
        month.label()
    )));
    assert!(html.contains("senast 28 "), "the deadline is stated");
    assert!(
        !html.contains("Någon annans satsning"),
        "only the satsningar they lead"
    );
    assert!(!html.contains(&format!("/satsningar/{}/", theirs.id)));
    assert!(!html.contains("kommer här"), "no placeholder");

    // The button opens that month's form.
    let opened = browser.get(&form).await;
    assert_eq!(opened.status(), 200);
    let form_html = opened.text().await.unwrap();
    assert!(form_html.contains(&format!("name=\"v[m{a1}]\"")));

    // Started but not marked: still listed, and said so.
    report(&app, &lead, mine.id, a1, month, 12.0, false).await;
    let html = browser.get("/").await.text().await.unwrap();
    assert!(html.contains(&format!("href=\"{form}\"")));
    assert!(html.contains("inte markerad som inrapporterad"));

    // Marked: nothing left to do, and the next month's deadline is given.
    report(&app, &lead, mine.id, a1, month, 12.0, true).await;
    let html = browser.get("/").await.text().await.unwrap();
    assert!(!html.contains(&format!("href=\"{form}\"")));
    assert!(html.contains("Allt är inrapporterat."));
    assert!(html.contains("Nästa: "));
}

#[tokio::test]
async fn the_review_group_sees_what_changed_since_a_date_with_links() {
    let app = open_month_app().await;
    let (lead, _) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, review) = UserBuilder::with_role(Role::Review).login(&app).await;
    let reported = running(&app, "Rapporterad satsning", &lead).await;
    let red = running(&app, "Satsning som blir röd", &lead).await;
    let a1 = measure(&app, &reported, &lead, false).await;
    let r1 = measure(&app, &red, &lead, true).await;
    let month = last_month();
    report(&app, &lead, reported.id, a1, month, 7.0, true).await;
    // On target three months ago, far below it last month.
    report(&app, &lead, red.id, r1, month.prev().prev(), 100.0, true).await;
    report(&app, &lead, red.id, r1, month, 50.0, false).await;

    // By default: three weeks back.
    let page = review.get("/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let default = app::sv::time::local_date(Utc::now()) - chrono::Duration::days(21);
    assert!(
        html.contains(&format!("value=\"{default}\"")),
        "the date field shows it"
    );
    assert!(html.contains("Inrapporterade månader (2)"), "{html}");
    assert!(!html.contains("Att göra"), "not a projektledare");

    // Since the first of last month: judged on the months before it, A1 has turned red.
    let since = month.first_day();
    let html = review
        .get(&format!("/?sedan={since}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!(
        "href=\"/satsningar/{}/rapportera/{month}\"",
        reported.id
    )));
    assert!(html.contains("Har blivit röda (1)"), "{html}");
    assert!(html.contains(&format!("href=\"/satsningar/{}\"", red.id)));
    assert!(html.contains("A1 Mått A1"), "the red measure is named");
    assert!(html.contains("href=\"/oversikt?ljus=rod\""));

    // Since today, last month's value was already known: nothing has turned red since.
    let today = app::sv::time::local_date(Utc::now());
    let html = review
        .get(&format!("/?sedan={today}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Har blivit röda (0)"));
    let next_week = today + chrono::Duration::days(7);
    let future = review.get(&format!("/?sedan={next_week}")).await;
    assert_eq!(future.status(), 400);
    assert!(
        future
            .text()
            .await
            .unwrap()
            .contains("Välj ett datum som redan har varit.")
    );
    let garbled = review.get("/?sedan=i%20g%C3%A5r").await;
    assert_eq!(garbled.status(), 400);
    assert!(garbled.text().await.unwrap().contains("ÅÅÅÅ-MM-DD"));
}

#[tokio::test]
async fn a_reader_sees_the_fund_at_a_glance_and_the_public_page_promises_what_exists() {
    let app = spawn_app().await;
    let (lead, _) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    running(&app, "Pågående satsning", &lead).await;
    InitiativeBuilder::named("En idé").create(&app).await;
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;

    let html = reader.get("/").await.text().await.unwrap();
    assert!(html.contains("Fonden i korthet"));
    assert!(html.contains("<dt>Satsningar</dt><dd>2</dd>"), "{html}");
    assert!(html.contains("href=\"/oversikt?status=pagaende\""));
    assert!(html.contains("Pågående: 1"));
    assert!(!html.contains("Att göra") && !html.contains("Har blivit röda"));

    let public = app.get("/").await.text().await.unwrap();
    assert!(public.contains("Logga in"));
    for not_yet in ["enkät", "avvikelse", "enhetskostnad", "halvårsredovisning"] {
        assert!(
            !public.to_lowercase().contains(not_yet),
            "the public page promises {not_yet}"
        );
    }
}

#[tokio::test]
async fn get_logga_ut_is_a_page_and_only_the_form_logs_out() {
    let app = spawn_app().await;
    let anonymous = app.get("/logga-ut").await;
    assert_eq!(anonymous.status(), 200);
    assert!(
        anonymous
            .text()
            .await
            .unwrap()
            .contains("Du är inte inloggad.")
    );

    let (_, browser) = UserBuilder::with_role(Role::Reader)
        .named("Lova Läsare")
        .login(&app)
        .await;
    let page = browser.get("/logga-ut").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Du är inloggad som Lova Läsare."));
    assert!(html.contains("<form method=\"post\" action=\"/logga-ut\">"));
    // Opening the page did not end the session.
    assert!(
        browser
            .get("/")
            .await
            .text()
            .await
            .unwrap()
            .contains("Välkommen, Lova Läsare")
    );
}
