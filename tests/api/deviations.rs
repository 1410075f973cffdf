//! Avvikelser: a value off its target raises a flag in the queue; the projektledare explains
//! and the beredningsgrupp decides, each step in the flag's history and the audit trail;
//! correcting the value closes the flag with a note; evaluating again changes nothing; who
//! may see and do what; and two instances on PostgreSQL evaluating at once make one flag.

use app::auth::Role;
use app::deviation::api::{DecideDeviation, ExplainDeviation, HandleDeviations};
use app::deviation::repo::Settings;
use app::deviation::{BulkForm, DecideForm, ExplainForm};
use app::initiative::Status;
use app::report::Period;
use app::report::api::SaveReport;
use app::schema::MeasureKind;
use app::schema::repo::Parent;
use reqwest::StatusCode;

use crate::builders::{
    InitiativeBuilder, SchemaBuilder, TestInitiative, TestUser, UserBuilder, measure_form,
};
use crate::helpers::{Backend, TestApp, postgres_database, spawn_app, spawn_app_with};

fn this_month() -> Period {
    Period::of(app::sv::time::local_date(chrono::Utc::now()))
}

/// A running satsning led by `lead`, begun this month (so no earlier month can be missing),
/// with one effektmått E1: a share whose target is 60 % throughout, tolerances 5 and 10.
pub async fn satsning_with_target(app: &TestApp, lead: &TestUser) -> (TestInitiative, i64) {
    let start = this_month().first_day();
    let end = start + chrono::Months::new(24);
    let initiative = InitiativeBuilder::named("Avvikelsetest")
        .status(Status::Running)
        .period(&start.to_string(), &end.to_string())
        .led_by(lead)
        .create(app)
        .await;
    let schema = SchemaBuilder::new(app, &initiative, lead);
    let goal = schema.goal("Fler i arbete").await;
    let activity = schema.activity(goal, "Coachning").await;
    let mut form = measure_form("E1");
    form.name = "Andel i arbete".into();
    form.unit = "%".into();
    form.value_type = "andel".into();
    form.baseline = "60".into();
    form.baseline_date = start.to_string();
    form.target = "60".into();
    form.target_date = end.to_string();
    form.tolerance_yellow = "5".into();
    form.tolerance_red = "10".into();
    let e1 = schema
        .measure(MeasureKind::Effect, Parent::Activity(activity), &form)
        .await;
    (initiative, e1)
}

/// Posts this month's value of `measure` through the reporting form.
async fn report(user: &TestApp, initiative: i64, measure: i64, value: &str) -> reqwest::Response {
    let period = this_month();
    let save = SaveReport {
        id: initiative,
        manad: period.to_string(),
        v: Some([(format!("m{measure}"), value.to_string())].into()),
        k: Some([(format!("m{measure}"), String::new())].into()),
        orsak: None,
        steg: Some("spara".into()),
        bekrafta: None,
    };
    user.submit(
        &format!("/satsningar/{initiative}/rapportera/{period}"),
        &save,
    )
    .await
}

/// Saves this month's `value` of `measure` through the repository, with `after` in the
/// save's transaction; the save's outcome.
async fn save_this_month(
    app: &TestApp,
    lead: &TestUser,
    (initiative, measure): (i64, i64),
    value: f64,
    after: &app::report::AfterValues,
) -> Result<app::report::repo::SaveOutcome, app::error::AppError> {
    let entries = [app::report::repo::Entry {
        measure_id: measure,
        value: Some(value),
        comment: String::new(),
    }];
    let month = app::report::repo::MonthSave {
        period: this_month(),
        entries: &entries,
        reason: None,
        submit: false,
    };
    app::report::repo::save(
        &app.db,
        lead.actor,
        initiative,
        month,
        chrono::Utc::now(),
        after,
    )
    .await
}

/// A satsning whose E1 has this month's value 41 % against its target 60 % (a red flag,
/// evaluated), and its projektledare.
pub async fn flagged_satsning(app: &TestApp) -> (TestInitiative, TestUser) {
    let lead = UserBuilder::with_role(Role::ProjectLead).create(app).await;
    let (initiative, e1) = satsning_with_target(app, &lead).await;
    // The save evaluates the flags in its own transaction, as the form's save does.
    let after = app::deviation::repo::after_values(Settings::default());
    save_this_month(app, &lead, (initiative.id, e1), 41.0, &after)
        .await
        .unwrap();
    (initiative, lead)
}

/// The satsning's flags: (id, rule, severity, status, close note).
pub async fn flags(app: &TestApp, initiative: i64) -> Vec<(i64, String, String, String, String)> {
    app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT id, rule, severity, status, close_note FROM deviation_flag
             WHERE initiative_id = $1 ORDER BY id",
        )
        .bind(initiative)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

async fn count(app: &TestApp, sql: &'static str, id: i64) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

async fn audit_rows(app: &TestApp, flag: i64) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM audit_event WHERE object_type = 'deviation_flag' AND object_id = $1",
        flag,
    )
    .await
}

async fn events(app: &TestApp, flag: i64) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM deviation_event WHERE flag_id = $1",
        flag,
    )
    .await
}

#[tokio::test]
async fn an_off_target_value_is_flagged_explained_decided_and_closed_by_its_correction() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, review) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (initiative, e1) = satsning_with_target(&app, &lead).await;

    // Act: the projektledare reports 41 % against the target 60 %.
    let saved = report(&lead_browser, initiative.id, e1, "41").await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    // Assert: one red flag, in the beredningsgrupp's queue with its numbers.
    let found = flags(&app, initiative.id).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let (flag, rule, severity, status, _) = found[0].clone();
    assert_eq!(
        (rule.as_str(), severity.as_str(), status.as_str()),
        ("utanfor_mal", "rod", "ny")
    );
    let queue = review.get("/avvikelser").await;
    assert_eq!(queue.status(), 200);
    let html = queue.text().await.unwrap();
    assert!(html.contains("Utanför mål"));
    assert!(
        html.contains(&format!(
            "Värdet 41 % i {} ligger under toleransen 55 % för målet 60 %, och även under den röda gränsen 50 %.",
            this_month().label()
        )),
        "the explanation with the numbers"
    );
    assert!(html.contains(&format!("href=\"/avvikelser/{flag}\"")));

    // A second evaluation changes nothing.
    let (rows, history, audited) = (
        flags(&app, initiative.id).await,
        events(&app, flag).await,
        audit_rows(&app, flag).await,
    );
    let again = app::deviation::repo::evaluate(
        &app.db,
        initiative.id,
        &Settings::default(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(again.changed(), 0);
    assert_eq!(flags(&app, initiative.id).await, rows);
    assert_eq!(
        (events(&app, flag).await, audit_rows(&app, flag).await),
        (history, audited)
    );

    // The projektledare sees the flag on the start page with "Förklara", not the queue.
    let start = lead_browser.get("/").await.text().await.unwrap();
    assert!(start.contains("Avvikelser att förklara (1)"));
    assert!(start.contains(&format!("href=\"/avvikelser/{flag}#forklara\"")));
    assert_eq!(lead_browser.get("/avvikelser").await.status(), 403);

    // The projektledare cannot decide.
    let page = format!("/avvikelser/{flag}");
    let decision = DecideDeviation {
        id: flag,
        decision: DecideForm {
            decision: "godtas".into(),
            comment: "Bra".into(),
        },
    };
    assert_eq!(lead_browser.submit(&page, &decision).await.status(), 403);

    // An empty explanation is refused with what was typed kept; then it is explained.
    let mut explain = ExplainDeviation {
        id: flag,
        flag: ExplainForm {
            explanation: "Två coacher var sjuka i oktober.".into(),
            planned_action: String::new(),
        },
    };
    let refused = lead_browser.submit(&page, &explain).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Skriv vad ni planerar att göra"));
    assert!(html.contains("Två coacher var sjuka i oktober."));
    assert_eq!(
        flags(&app, initiative.id).await[0].3,
        "ny",
        "nothing partial is written"
    );
    explain.flag.planned_action = "Vikarier från december.".into();
    assert_eq!(
        lead_browser.submit(&page, &explain).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(flags(&app, initiative.id).await[0].3, "forklarad");

    // The beredningsgrupp decides.
    let decision = DecideDeviation {
        id: flag,
        decision: DecideForm {
            decision: "atgard".into(),
            comment: "Redovisa vikarierna till nästa möte.".into(),
        },
    };
    assert_eq!(
        review.submit(&page, &decision).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(flags(&app, initiative.id).await[0].3, "hanterad");
    assert_eq!(
        audit_rows(&app, flag).await,
        3,
        "opened, explained, decided"
    );

    // Act: the value is corrected.
    assert_eq!(
        report(&lead_browser, initiative.id, e1, "60")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Assert: closed by itself with a note, the whole history on its page.
    let (_, _, _, status, note) = flags(&app, initiative.id).await[0].clone();
    assert_eq!(status, "stangd");
    assert!(note.contains("villkoret gäller inte längre"), "{note}");
    assert_eq!(audit_rows(&app, flag).await, 4);
    let html = review.get(&page).await.text().await.unwrap();
    for step in [
        "Öppnad",
        "Förklarad",
        "Hanterad",
        "Stängd",
        "Två coacher var sjuka",
        "Åtgärd krävs",
    ] {
        assert!(html.contains(step), "{step}");
    }
    assert!(
        review
            .get("/avvikelser")
            .await
            .text()
            .await
            .unwrap()
            .contains("0 avvikelser.")
    );

    // The same value again reopens the same flag instead of making another.
    report(&lead_browser, initiative.id, e1, "41").await;
    let found = flags(&app, initiative.id).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].3, "ny");
}

#[tokio::test]
async fn a_projektledare_sees_only_their_own_satsningar_flags() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, other) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning_with_target(&app, &lead).await;
    report(&lead_browser, initiative.id, e1, "52").await;
    let flag = flags(&app, initiative.id).await[0].0;
    assert_eq!(
        flags(&app, initiative.id).await[0].2,
        "gul",
        "52 % is within the red tolerance"
    );

    // Another projektledare: not found, and cannot explain.
    let page = format!("/avvikelser/{flag}");
    assert_eq!(other.get(&page).await.status(), 404);
    let explain = ExplainDeviation {
        id: flag,
        flag: ExplainForm {
            explanation: "x".into(),
            planned_action: "y".into(),
        },
    };
    assert_eq!(other.submit(&page, &explain).await.status(), 404);
    assert_eq!(other.get("/avvikelser").await.status(), 403);
    assert_eq!(flags(&app, initiative.id).await[0].3, "ny");
    // Its own projektledare sees it with the form.
    let html = lead_browser.get(&page).await.text().await.unwrap();
    assert!(html.contains("Skicka förklaringen"));
    assert!(!html.contains("Spara beslutet"));
}

#[tokio::test]
async fn the_queue_is_narrowed_by_namnd_and_projektledare_and_refuses_unknown_filters() {
    let app = spawn_app().await;
    let (_, review) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (one, _) = flagged_satsning(&app).await;
    let (two, two_lead) = flagged_satsning(&app).await;
    let rows = |html: &str| {
        let doc = scraper::Html::parse_document(html);
        let row = scraper::Selector::parse("table.queue tbody tr").unwrap();
        doc.select(&row)
            .filter_map(|r| r.value().attr("id").map(str::to_string))
            .collect::<Vec<_>>()
    };
    let row_of = |flag: i64| format!("avvikelse-{flag}");
    let (flag_one, flag_two) = (
        flags(&app, one.id).await[0].0,
        flags(&app, two.id).await[0].0,
    );
    let get = |path: String| {
        let review = &review;
        async move { review.get(&path).await }
    };

    // Act & assert: each filter keeps the one satsning it names.
    let all = get("/avvikelser".into()).await.text().await.unwrap();
    assert!(rows(&all).contains(&row_of(flag_one)) && rows(&all).contains(&row_of(flag_two)));
    assert!(all.contains("Nämnd eller part") && all.contains("filter-projektledare"));
    let by_party = get(format!("/avvikelser?namnd={}", one.parties[0]))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&by_party), vec![row_of(flag_one)]);
    let by_lead = get(format!("/avvikelser?projektledare={}", two_lead.id))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&by_lead), vec![row_of(flag_two)]);
    // Both at once, contradicting: nothing, with the empty state.
    let neither = get(format!(
        "/avvikelser?namnd={}&projektledare={}",
        one.parties[0], two_lead.id
    ))
    .await
    .text()
    .await
    .unwrap();
    assert!(rows(&neither).is_empty());
    assert!(neither.contains("Inga avvikelser med det här urvalet."));
    // The chosen filter stays chosen.
    assert!(
        by_lead.contains(&format!("<option value=\"{}\" selected", two_lead.id)),
        "{by_lead}"
    );
    // A filter that is not a number is a Swedish 400, not a 500.
    let bad = get("/avvikelser?projektledare=alla".into()).await;
    assert_eq!(bad.status(), 400);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Okänd projektledare i filtret.")
    );
}

#[tokio::test]
async fn the_queue_shows_a_hundred_flags_a_page_and_pages_on_with_the_filter_kept() {
    // Arrange: one real flag and 150 copies of it under other windows (151 open flags).
    let app = spawn_app().await;
    let (_, review) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (initiative, _) = flagged_satsning(&app).await;
    let original = flags(&app, initiative.id).await[0].0;
    for n in 0..150 {
        app::db_write!(&app.db, |pool| {
            sqlx::query(
                "INSERT INTO deviation_flag
                   (organisation_id, initiative_id, measure_id, measure_key, rule, window_key,
                    severity, status, explanation, numbers, points, provisional, opened_at, updated_at)
                 SELECT organisation_id, initiative_id, measure_id, measure_key, rule, $2,
                    severity, status, explanation, numbers, points, provisional, opened_at, updated_at
                 FROM deviation_flag WHERE id = $1",
            )
            .bind(original)
            .bind(format!("kopia-{n}"))
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap()
        });
    }
    let page = |html: &str| {
        let doc = scraper::Html::parse_document(html);
        let row = scraper::Selector::parse("table.queue tbody tr").unwrap();
        let link = scraper::Selector::parse("nav.pager a").unwrap();
        let rows: Vec<String> = doc
            .select(&row)
            .filter_map(|r| r.value().attr("id").map(str::to_string))
            .collect();
        let links: Vec<(String, String)> = doc
            .select(&link)
            .map(|a| {
                (
                    a.value().attr("rel").unwrap_or_default().to_string(),
                    a.value().attr("href").unwrap_or_default().to_string(),
                )
            })
            .collect();
        (rows, links)
    };

    // Act & assert: the first page has 100 rows, says where it is and links on.
    let first = review.get("/avvikelser").await.text().await.unwrap();
    let (rows_one, links_one) = page(&first);
    assert_eq!(rows_one.len(), 100);
    assert!(first.contains("151 avvikelser, 1–100 visas."), "{first}");
    assert!(first.contains("Sida 1 av 2"));
    assert_eq!(
        links_one,
        vec![("next".into(), "/avvikelser?sida=2".into())]
    );
    // The second has the other 51 and links back.
    let second = review.get("/avvikelser?sida=2").await.text().await.unwrap();
    let (rows_two, links_two) = page(&second);
    assert_eq!(rows_two.len(), 51);
    assert!(second.contains("151 avvikelser, 101–151 visas."));
    assert_eq!(links_two, vec![("prev".into(), "/avvikelser".into())]);
    let mut all: Vec<String> = rows_one.iter().chain(&rows_two).cloned().collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 151, "every flag on exactly one page");
    // A page past the end shows the last one; the filter is kept in the links.
    let past = review.get("/avvikelser?sida=9").await.text().await.unwrap();
    assert_eq!(page(&past).0, rows_two);
    let filtered = review
        .get(&format!("/avvikelser?satsning={}", initiative.id))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        page(&filtered).1,
        vec![(
            "next".into(),
            format!("/avvikelser?satsning={}&sida=2", initiative.id)
        )]
    );
    // Not a page number: a Swedish 400.
    for bad in ["0", "andra", "-1"] {
        let response = review.get(&format!("/avvikelser?sida={bad}")).await;
        assert_eq!(response.status(), 400, "sida={bad}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Okänd sida i avvikelselistan.")
        );
    }
}

#[tokio::test]
async fn the_chart_marks_the_flagged_month_and_names_the_rule_in_its_table() {
    let app = spawn_app().await;
    let (initiative, lead) = flagged_satsning(&app).await;
    let browser = app.with_new_client();
    browser.login(&lead.email, crate::builders::PASSWORD).await;

    // Act
    let html = browser
        .get(&format!("/satsningar/{}", initiative.id))
        .await
        .text()
        .await
        .unwrap();

    // Assert: E1's chart has a diamond at the flagged month, a legend entry, a description and
    // a table column that say so.
    let doc = scraper::Html::parse_document(&html);
    let card = scraper::Selector::parse("figure.chart-card").unwrap();
    let e1 = doc
        .select(&card)
        .find(|c| c.text().any(|t| t.contains("E1 Andel i arbete")))
        .expect("E1's chart");
    let e1_html = e1.html();
    let flagged = app::chart::FLAGGED;
    let plot = scraper::Selector::parse(&format!("g[stroke='{flagged}'] polygon")).unwrap();
    let legend = scraper::Selector::parse(&format!("polygon[stroke='{flagged}']")).unwrap();
    assert_eq!(e1.select(&plot).count(), 1, "one month marked: {e1_html}");
    assert_eq!(e1.select(&legend).count(), 1, "and the legend's mark");
    assert!(e1_html.contains("Avvikelse markerad: "), "{e1_html}");
    let month = app::dashboard::period_label(this_month());
    let row = scraper::Selector::parse("details.chart-table tbody tr").unwrap();
    let flagged_row = e1
        .select(&row)
        .find(|r| r.text().any(|t| t == month))
        .expect("the month's row")
        .text()
        .collect::<String>();
    assert!(flagged_row.contains("Utanför mål"), "{flagged_row}");
}

#[tokio::test]
async fn the_queue_marks_several_flags_as_handled_with_one_comment() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, review) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (one, e1) = satsning_with_target(&app, &lead).await;
    let (two, e2) = satsning_with_target(&app, &lead).await;
    report(&lead_browser, one.id, e1, "41").await;
    report(&lead_browser, two.id, e2, "52").await;
    let ids = vec![
        flags(&app, one.id).await[0].0,
        flags(&app, two.id).await[0].0,
    ];

    // Without a comment nothing is written.
    let mut bulk = HandleDeviations {
        bulk: BulkForm {
            flags: ids.clone(),
            comment: String::new(),
        },
    };
    assert_eq!(review.submit("/avvikelser", &bulk).await.status(), 400);
    assert_eq!(flags(&app, one.id).await[0].3, "ny");

    bulk.bulk.comment = "Genomgångna på mötet.".into();
    let done = review.submit("/avvikelser", &bulk).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(flags(&app, one.id).await[0].3, "hanterad");
    assert_eq!(flags(&app, two.id).await[0].3, "hanterad");
    // The meeting view lists both as changed.
    let html = review.get("/avvikelser/mote").await.text().await.unwrap();
    assert!(html.contains("Mötesunderlag"));
    assert_eq!(html.matches("class=\"agenda-item\"").count(), 2);
    // A projektledare cannot use the bulk form.
    assert_eq!(
        lead_browser.submit("/avvikelser", &bulk).await.status(),
        403
    );
}

/// Runs the configured scheduler's deviation sweep as a tick at `now` would.
async fn scheduled_sweep(app: &TestApp, now: chrono::DateTime<chrono::Utc>) -> usize {
    let config = server::config::Config::default();
    let jobs: Vec<_> = server::scheduler::jobs(&config)
        .into_iter()
        .filter(|j| j.name == server::scheduler::DEVIATION_SWEEP)
        .collect();
    assert_eq!(jobs.len(), 1, "the sweep is scheduled by default");
    server::scheduler::tick(&app.db, &jobs, chrono_tz::Europe::Stockholm, now)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn the_scheduled_sweep_flags_a_month_past_its_due_date() {
    let app = spawn_app().await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, _) = satsning_with_target(&app, &lead).await;
    let settings = Settings::default();
    let due = settings.reporting.due_date(this_month());
    let at_eight = |day: chrono::NaiveDate| day.and_hms_opt(8, 0, 0).unwrap().and_utc();

    // Act: the scheduler first sees the sweep on the due date, then ticks the day after it,
    // with nothing reported.
    assert_eq!(scheduled_sweep(&app, at_eight(due)).await, 0, "first sight");
    assert!(flags(&app, initiative.id).await.is_empty());
    let late = at_eight(due + chrono::Duration::days(1));
    assert_eq!(scheduled_sweep(&app, late).await, 1);

    // Assert: yellow while it can be reported, red once locked; one flag throughout.
    let found = flags(&app, initiative.id).await;
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].1.as_str(), found[0].2.as_str()),
        ("saknas", "gul")
    );
    let locked = at_eight(settings.reporting.lock_date(this_month()) + chrono::Duration::days(1));
    assert_eq!(scheduled_sweep(&app, locked).await, 1);
    let found = flags(&app, initiative.id).await;
    assert_eq!(found.len(), 1, "the same flag: {found:?}");
    assert_eq!(found[0].2, "rod");
    let before = flags(&app, initiative.id).await;
    assert_eq!(
        scheduled_sweep(&app, locked).await,
        0,
        "the slot ran already"
    );
    let again = app::deviation::repo::sweep(&app.db, &settings, locked)
        .await
        .unwrap();
    assert_eq!(again.changed(), 0);
    assert_eq!(flags(&app, initiative.id).await, before);
}

#[tokio::test]
async fn two_instances_on_postgres_evaluating_at_once_make_one_flag() {
    let Some(url) = postgres_database().await else {
        return;
    };
    let first = spawn_app_with(Backend::Postgres(url.clone()), |_| {}).await;
    let second = spawn_app_with(Backend::Postgres(url), |_| {}).await;
    let lead = UserBuilder::with_role(Role::ProjectLead)
        .create(&first)
        .await;
    let (initiative, e1) = satsning_with_target(&first, &lead).await;
    // The value is written without the hook, so neither instance has evaluated yet.
    save_this_month(
        &first,
        &lead,
        (initiative.id, e1),
        41.0,
        &app::report::AfterValues::none(),
    )
    .await
    .unwrap();

    // Act: both instances evaluate at the same moment, several times over.
    let settings = Settings::default();
    let now = chrono::Utc::now();
    for _ in 0..5 {
        let (a, b) = tokio::join!(
            app::deviation::repo::evaluate(&first.db, initiative.id, &settings, now),
            app::deviation::repo::evaluate(&second.db, initiative.id, &settings, now),
        );
        a.unwrap();
        b.unwrap();
    }

    // Assert
    let found = flags(&first, initiative.id).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(events(&first, found[0].0).await, 1, "one opening, not two");
}

#[tokio::test]
async fn the_demo_queue_shows_flags_from_its_values_in_several_states() {
    let app = crate::helpers::spawn_demo_app().await;
    let review = app.as_user("beredning@exempel.se").await;

    // Assert: the off-target and missing months of the demo raise flags…
    let by_rule: Vec<(String, i64)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT rule, COUNT(*) FROM deviation_flag GROUP BY rule ORDER BY rule")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    let rules: Vec<&str> = by_rule.iter().map(|(r, _)| r.as_str()).collect();
    assert!(rules.contains(&"utanfor_mal"), "{by_rule:?}");
    assert!(
        rules.contains(&"saknas"),
        "El Sistema's missed months: {by_rule:?}"
    );
    let utomhus = app
        .initiative_id("Utomhuspedagogikens inverkan på lärande")
        .await;
    let red: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM deviation_flag
             WHERE initiative_id = $1 AND rule = 'utanfor_mal' AND severity = 'rod'",
        )
        .bind(utomhus)
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert!(red >= 1, "the clearly off-target satsning is red");
    // …in several states, the explanations marked as example data.
    let states: Vec<String> = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT DISTINCT status FROM deviation_flag ORDER BY status")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    // Stängd: the demo satsning's Rapport flag, closed when its late report came in.
    assert_eq!(states, ["forklarad", "hanterad", "ny", "stangd"]);
    let reasons: Vec<String> = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT reason FROM deviation_flag WHERE reason <> ''")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert!(!reasons.is_empty() && reasons.iter().all(|r| r.starts_with("Exempeldata")));
    let html = review.get("/avvikelser").await.text().await.unwrap();
    assert!(html.contains("Utomhuspedagogikens inverkan på lärande"));
    assert!(html.contains("Exempeldata"));
    // The projektledare's start page asks for an explanation.
    let lead = app.as_user("projektledare@exempel.se").await;
    let start = lead.get("/").await.text().await.unwrap();
    assert!(start.contains("Avvikelser att förklara"));
}

/// The sweep reads each table once per organisation; a save evaluates its one satsning with
/// per-satsning reads. Both must see the same inputs and raise the same flags: over the demo
/// fund (several organisations' worth of schemas, values, marks, costs and reports), the
/// organisation-wide loads equal the per-satsning ones, and after a sweep no satsning's own
/// evaluation finds anything to change (nor does a second sweep).
async fn the_sweep_and_a_single_evaluation_agree(app: &TestApp) {
    let now = chrono::Utc::now();
    let settings = Settings::default();
    let initiatives: Vec<(i64, i64)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT id, organisation_id FROM initiative ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert!(initiatives.len() >= 3, "the demo has several satsningar");
    let (first, last) = (Period::parse("2015-01").unwrap(), this_month());
    for &(id, organisation) in &initiatives {
        let schemas = app::schema::repo::load_organisation(&app.db, organisation)
            .await
            .unwrap();
        let one = app::schema::repo::load(&app.db, id).await.unwrap();
        assert_eq!(schemas.get(&id).cloned().unwrap_or_default(), one);
        let series = app::report::repo::organisation_series(&app.db, organisation, first, last)
            .await
            .unwrap();
        let one = app::report::repo::series(&app.db, id, first, last)
            .await
            .unwrap();
        assert_eq!(series.get(&id).cloned().unwrap_or_default(), one);
    }
    app::deviation::repo::sweep(&app.db, &settings, now)
        .await
        .unwrap();
    let open: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM deviation_flag WHERE status <> 'stangd'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert!(open > 0, "the demo raises flags");
    for &(id, _) in &initiatives {
        let outcome = app::deviation::repo::evaluate(&app.db, id, &settings, now)
            .await
            .unwrap();
        assert_eq!(
            outcome.changed(),
            0,
            "satsning {id} evaluated alone: {outcome:?}"
        );
        // Inside a transaction (as a save evaluates) the same reads give the same flags.
        let mut tx = app.db.begin().await.unwrap();
        let inside = app::deviation::repo::evaluate_in(&mut tx, id, &settings, now)
            .await
            .unwrap();
        let series = app::report::repo::series(&mut tx, id, first, last)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(inside.changed(), 0, "satsning {id} in a transaction");
        let outside = app::report::repo::series(&app.db, id, first, last)
            .await
            .unwrap();
        assert_eq!(
            series, outside,
            "satsning {id}'s series read in a transaction"
        );
    }
    let again = app::deviation::repo::sweep(&app.db, &settings, now)
        .await
        .unwrap();
    assert_eq!(again.changed(), 0);
}

#[tokio::test]
async fn the_sweep_and_a_single_evaluation_agree_on_sqlite() {
    the_sweep_and_a_single_evaluation_agree(&crate::helpers::spawn_demo_app().await).await;
}

#[tokio::test]
async fn the_sweep_and_a_single_evaluation_agree_on_postgresql() {
    let Some(url) = postgres_database().await else {
        return;
    };
    let app = spawn_app_with(Backend::Postgres(url), |config| config.demo = true).await;
    the_sweep_and_a_single_evaluation_agree(&app).await;
}

/// A save runs the deviation evaluation in its own transaction, behind a savepoint: when the
/// evaluation fails — here after a write of its own and then a statement the database
/// refuses, which on PostgreSQL aborts everything after it unless rolled back to the
/// savepoint — only the evaluation's writes are undone, and the save is committed.
async fn a_failing_evaluation_undoes_only_its_own_writes(app: &TestApp) {
    let lead = UserBuilder::with_role(Role::ProjectLead).create(app).await;
    let (initiative, e1) = satsning_with_target(app, &lead).await;
    let name_of = || async {
        let name: String = app::db_read!(&app.db, |pool| {
            sqlx::query_scalar("SELECT name FROM initiative WHERE id = $1")
                .bind(initiative.id)
                .fetch_one(pool)
                .await
                .unwrap()
        });
        name
    };
    let name = name_of().await;
    let failing = app::report::AfterValues::new(|tx, id| {
        Box::pin(async move {
            app::on_tx!(tx, |conn| {
                sqlx::query("UPDATE initiative SET name = 'Ändrad av utvärderingen' WHERE id = $1")
                    .bind(id)
                    .execute(conn)
                    .await
                    .map(|_| ())
            })?;
            app::on_tx!(tx, |conn| {
                sqlx::query("SELECT no_such_column FROM initiative")
                    .execute(conn)
                    .await
                    .map(|_| ())
            })?;
            Ok(())
        })
    });
    let outcome = save_this_month(app, &lead, (initiative.id, e1), 41.0, &failing)
        .await
        .expect("the save stands when its evaluation fails");
    assert_eq!(outcome.changed, 1);

    let series = app::report::repo::series(&app.db, initiative.id, this_month(), this_month())
        .await
        .unwrap();
    assert_eq!(series.get(&e1).cloned(), Some(vec![(this_month(), 41.0)]));
    assert_eq!(
        name_of().await,
        name,
        "the evaluation's own write is undone"
    );
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM deviation_flag WHERE initiative_id = $1",
            initiative.id
        )
        .await,
        0
    );

    // The next save's evaluation, working again, raises the flag with the value.
    let after = app::deviation::repo::after_values(Settings::default());
    save_this_month(app, &lead, (initiative.id, e1), 40.0, &after)
        .await
        .unwrap();
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM deviation_flag WHERE initiative_id = $1 AND status = 'ny'",
            initiative.id
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_failing_evaluation_undoes_only_its_own_writes_on_sqlite() {
    a_failing_evaluation_undoes_only_its_own_writes(&spawn_app().await).await;
}

#[tokio::test]
async fn a_failing_evaluation_undoes_only_its_own_writes_on_postgresql() {
    let Some(url) = postgres_database().await else {
        return;
    };
    a_failing_evaluation_undoes_only_its_own_writes(
        &spawn_app_with(Backend::Postgres(url), |_| {}).await,
    )
    .await;
}
