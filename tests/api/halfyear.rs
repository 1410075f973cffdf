//! Halvårsredovisning: a submitted report keeps its numbers when a value is corrected later
//! and says newer data exist; the workflow submit → komplettering → resubmit → godkänd with
//! an audit row per step; who may see, write and review; bad input answered in Swedish with
//! what was typed; and the actual costs reaching the deviation budget rule, the economic
//! calculation and the fund overview.

use std::collections::BTreeMap;

use app::auth::Role;
use app::economics::actual::CostsForm;
use app::halfyear::api::{ReviewHalfYear, SaveHalfYearCosts, SaveHalfYearTexts, SubmitHalfYear};
use app::halfyear::{NARRATIVES, NarrativeForm, ReviewForm};
use app::initiative::Status;
use app::report::Period;
use app::schema::MeasureKind;
use app::schema::repo::Parent;
use reqwest::StatusCode;

use crate::builders::{
    InitiativeBuilder, SchemaBuilder, TestInitiative, TestUser, UserBuilder, measure_form,
};
use crate::helpers::{Backend, TestApp, postgres_database, spawn_app, spawn_app_with, texts_of};

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

/// The half-year the tests report on: the first half of 2026, ended before any test runs.
pub const HALF: &str = "2026-H1";

pub fn page(initiative: i64) -> String {
    format!("/satsningar/{initiative}/halvar/{HALF}")
}

/// A running satsning from July 2025 led by `lead`, with one effektmått E1 (a share, monthly,
/// target 60 %) and its values January–June 2026 (41,5 % in June).
pub async fn satsning(app: &TestApp, lead: &TestUser) -> (TestInitiative, i64) {
    let initiative = InitiativeBuilder::named("Halvårstest")
        .status(Status::Running)
        .period("2025-07-01", "2027-12-31")
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
    form.baseline = "40".into();
    form.baseline_date = "2025-07-01".into();
    form.target = "60".into();
    form.target_date = "2027-12-31".into();
    let e1 = schema
        .measure(MeasureKind::Effect, Parent::Activity(activity), &form)
        .await;
    for month in 1..=6 {
        let value = if month == 6 {
            41.5
        } else {
            44.0 + f64::from(month)
        };
        save_value(app, lead, initiative.id, e1, month, value).await;
    }
    (initiative, e1)
}

pub async fn save_value(
    app: &TestApp,
    by: &TestUser,
    initiative: i64,
    measure: i64,
    month: u32,
    value: f64,
) {
    let entries = [app::report::repo::Entry {
        measure_id: measure,
        value: Some(value),
        comment: String::new(),
    }];
    let save = app::report::repo::MonthSave {
        period: Period::new(2026, month).unwrap(),
        entries: &entries,
        reason: None,
        submit: true,
    };
    let after = app::report::AfterValues::none();
    app::report::repo::save(
        &app.db,
        by.actor,
        initiative,
        save,
        chrono::Utc::now(),
        &after,
    )
    .await
    .unwrap();
}

/// Every narrative field written and marked klar.
pub fn all_texts(prefix: &str) -> NarrativeForm {
    let mut form = NarrativeForm::default();
    for (key, heading, _) in NARRATIVES {
        form.text
            .insert(key.into(), format!("{prefix}: {heading}."));
        form.done.insert(key.into(), "ja".into());
    }
    form
}

pub fn texts(initiative: i64, narrative: NarrativeForm) -> SaveHalfYearTexts {
    SaveHalfYearTexts {
        id: initiative,
        halvar: HALF.into(),
        narrative,
    }
}

/// The projektledare `browser` writes every text of satsning `id`'s report for `halvar`,
/// marks them klar and submits it.
pub async fn write_and_submit(browser: &TestApp, id: i64, halvar: &str) {
    let at = format!("/satsningar/{id}/halvar/{halvar}");
    let mut write = texts(id, all_texts("Klart"));
    write.halvar = halvar.to_string();
    assert_eq!(
        browser.submit(&at, &write).await.status(),
        StatusCode::SEE_OTHER
    );
    let sent = SubmitHalfYear {
        id,
        halvar: halvar.to_string(),
    };
    assert_eq!(
        browser.submit(&at, &sent).await.status(),
        StatusCode::SEE_OTHER
    );
}

pub fn submit(initiative: i64) -> SubmitHalfYear {
    SubmitHalfYear {
        id: initiative,
        halvar: HALF.into(),
    }
}

fn review(
    initiative: i64,
    version: i64,
    decision: &str,
    comments: &[(&str, &str)],
) -> ReviewHalfYear {
    ReviewHalfYear {
        id: initiative,
        halvar: HALF.into(),
        version,
        review: ReviewForm {
            decision: decision.into(),
            comments: comments
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        },
    }
}

async fn html(browser: &TestApp, path: &str) -> String {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.text().await.unwrap()
}

async fn report_status(app: &TestApp, initiative: i64) -> String {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT status FROM half_year_report WHERE initiative_id = $1")
            .bind(initiative)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

async fn audit_rows(app: &TestApp, initiative: i64) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_event
             WHERE object_type = 'half_year_report'
               AND object_id = (SELECT id FROM half_year_report WHERE initiative_id = $1)",
        )
        .bind(initiative)
        .fetch_one(pool)
        .await
        .unwrap()
    })
}

both_backends!(a_submitted_report_keeps_its_numbers_and_says_newer_data_exist);
async fn a_submitted_report_keeps_its_numbers_and_says_newer_data_exist(app: TestApp) {
    // Arrange: a satsning with June's value 41,5 %, the texts written, the report submitted.
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let at = page(initiative.id);
    let saved = browser
        .submit(&at, &texts(initiative.id, all_texts("Klart")))
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let draft = html(&browser, &at).await;
    assert!(draft.contains("Utkast"), "a draft before submitting");
    assert!(
        html(&browser, &format!("{at}/jamforelse"))
            .await
            .contains("Redovisningen är inte inskickad än"),
        "nothing to compare with before the first submission"
    );
    assert!(
        draft.contains("<td class=\"num\">41,5</td>"),
        "June's value in the table"
    );
    let sent = browser.submit(&at, &submit(initiative.id)).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(report_status(&app, initiative.id).await, "inskickad");
    let submitted = html(&browser, &at).await;
    assert!(submitted.contains("Inskickad"));
    assert!(!submitted.contains("Nyare uppgifter finns"));

    // Act: June's value is corrected afterwards.
    save_value(&app, &lead, initiative.id, e1, 6, 57.5).await;

    // Assert: the report shows the number it was submitted with, and that newer data exist.
    let after = html(&browser, &at).await;
    assert!(
        after.contains("<td class=\"num\">41,5</td>"),
        "the submitted number"
    );
    assert!(
        !after.contains("<td class=\"num\">57,5</td>"),
        "not the corrected one"
    );
    assert!(after.contains("Nyare uppgifter finns"));
    assert!(after.contains("Mått och värden"));
    assert!(after.contains(&format!("href=\"{at}/jamforelse\"")));
    // The comparison shows the changed section as submitted and now, the others by name.
    let compared = html(&browser, &format!("{at}/jamforelse")).await;
    assert!(compared.contains("Uppgifterna har ändrats i"), "{compared}");
    assert!(compared.contains("Som inskickad (version 1,"));
    assert!(compared.contains("<h3 id=\"matt-nu\">Nu</h3>"));
    let (then, now) = compared
        .split_once("id=\"matt-nu\"")
        .expect("the side as it is now");
    assert!(then.contains("<td class=\"num\">41,5</td>"), "as submitted");
    assert!(!then.contains("<td class=\"num\">57,5</td>"));
    assert!(now.contains("<td class=\"num\">57,5</td>"), "as it is now");
    assert!(compared.contains("Oförändrade avsnitt:"));
    // The beredningsgrupp is told as well.
    let beredning = UserBuilder::with_role(Role::Review).login(&app).await.1;
    assert!(
        html(&beredning, &at)
            .await
            .contains("Nyare uppgifter finns")
    );
}

both_backends!(submit_review_completion_resubmit_and_approval_are_each_audited);
async fn submit_review_completion_resubmit_and_approval_are_each_audited(app: TestApp) {
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, review_browser) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let at = page(initiative.id);

    // Submit (texts first: created + texts + submitted = 3 audit rows).
    let saved = lead_browser
        .submit(&at, &texts(initiative.id, all_texts("Första")))
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        lead_browser
            .submit(&at, &submit(initiative.id))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit_rows(&app, initiative.id).await, 3);
    // A submitted report is locked for the projektledare.
    let locked = lead_browser
        .submit(&at, &texts(initiative.id, all_texts("Ändrad")))
        .await;
    assert_eq!(locked.status(), StatusCode::CONFLICT);

    // The beredningsgrupp asks for completion with a comment on the measures.
    let page_for_review = html(&review_browser, &at).await;
    assert!(page_for_review.contains("Spara granskningen"));
    let asked = review_browser
        .submit(
            &at,
            &review(
                initiative.id,
                1,
                "komplettering",
                &[("matt", "Förklara nedgången i juni.")],
            ),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(report_status(&app, initiative.id).await, "komplettering");
    assert_eq!(audit_rows(&app, initiative.id).await, 4);

    // The projektledare sees the comment, completes the texts and submits again.
    let reopened = html(&lead_browser, &at).await;
    assert!(reopened.contains("Komplettering begärs"));
    assert!(reopened.contains("Förklara nedgången i juni."));
    assert!(
        reopened.contains("Spara texterna"),
        "the form is open again"
    );
    let completed = lead_browser
        .submit(&at, &texts(initiative.id, all_texts("Kompletterad")))
        .await;
    assert_eq!(completed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        lead_browser
            .submit(&at, &submit(initiative.id))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit_rows(&app, initiative.id).await, 6);

    // Approved: version 2, while version 1 and its comment stay.
    let approved = review_browser
        .submit(&at, &review(initiative.id, 2, "godkand", &[]))
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(report_status(&app, initiative.id).await, "godkand");
    assert_eq!(audit_rows(&app, initiative.id).await, 7);
    let done = html(&lead_browser, &at).await;
    assert!(done.contains("Godkänd"));
    assert!(done.contains("Version 2"));
    assert!(done.contains("Version 1"));
    assert!(
        done.contains("Förklara nedgången i juni."),
        "the earlier comment is kept"
    );
    assert!(
        done.contains("Kompletterad: Genomförande."),
        "the resubmitted texts"
    );
    // Reviewing an approved version again is refused.
    let again = review_browser
        .submit(&at, &review(initiative.id, 2, "godkand", &[]))
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // The list shows it for the half-year.
    let list = html(
        &review_browser,
        &format!("/halvarsredovisningar?halvar={HALF}"),
    )
    .await;
    assert!(list.contains("Halvårstest"));
    assert!(list.contains("Godkänd"));
}

#[tokio::test]
async fn a_projektledare_cannot_review_nor_see_another_satsnings_report() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, other_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, review_browser) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let at = page(initiative.id);
    lead_browser
        .submit(&at, &texts(initiative.id, all_texts("Klart")))
        .await;
    lead_browser.submit(&at, &submit(initiative.id)).await;

    // Another satsning's projektledare: not found, neither page nor server function.
    assert_eq!(other_browser.get(&at).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other_browser
            .get(&format!("{at}/jamforelse"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let texts_elsewhere = other_browser
        .call(&texts(initiative.id, all_texts("Intrång")))
        .await;
    assert_eq!(texts_elsewhere.status(), StatusCode::NOT_FOUND);

    // The satsning's own projektledare cannot review, and has no list.
    let own_review = lead_browser
        .call(&review(initiative.id, 1, "godkand", &[]))
        .await;
    assert_eq!(own_review.status(), StatusCode::FORBIDDEN);
    assert!(
        !html(&lead_browser, &at)
            .await
            .contains("Spara granskningen")
    );
    assert_eq!(
        lead_browser.get("/halvarsredovisningar").await.status(),
        StatusCode::FORBIDDEN
    );

    // The beredningsgrupp reads and reviews but does not write the projektledare's texts.
    let by_review = review_browser
        .call(&texts(initiative.id, all_texts("Beredning")))
        .await;
    assert_eq!(by_review.status(), StatusCode::FORBIDDEN);
    assert_eq!(report_status(&app, initiative.id).await, "inskickad");
}

#[tokio::test]
async fn bad_input_is_answered_in_swedish_keeping_what_was_typed() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, review_browser) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let at = page(initiative.id);

    // A cost that is not whole kronor: 400, the message at the field, the typed text kept.
    let mut costs = CostsForm::default();
    costs
        .amounts
        .insert("personal_2026".into(), "tolv tusen".into());
    costs.amounts.insert("lokaler_2026".into(), "25 000".into());
    let refused = lead_browser
        .submit(
            &at,
            &SaveHalfYearCosts {
                id: initiative.id,
                halvar: HALF.into(),
                costs,
            },
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Personal, 2026: ange ett belopp i hela kronor"));
    assert!(body.contains("value=\"tolv tusen\""), "what was typed");
    assert!(body.contains("value=\"25 000\""), "the other fields too");

    // A text marked klar without text: 400 naming the field, the other texts kept.
    let mut narrative = NarrativeForm::default();
    narrative
        .text
        .insert("genomforande".into(), "Vi har träffat 40 deltagare.".into());
    narrative.done.insert("resultat".into(), "ja".into());
    let refused = lead_browser
        .submit(&at, &texts(initiative.id, narrative))
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("Resultat och effekter: skriv texten innan du markerar avsnittet som klart.")
    );
    assert!(body.contains("Vi har träffat 40 deltagare."));

    // Submitting before every text is klar: 409 saying which are left.
    let early = lead_browser.submit(&at, &submit(initiative.id)).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert!(
        early
            .text()
            .await
            .unwrap()
            .contains("Markera alla textavsnitt som klara")
    );

    // Asking for completion without saying what: 400.
    lead_browser
        .submit(&at, &texts(initiative.id, all_texts("Klart")))
        .await;
    lead_browser.submit(&at, &submit(initiative.id)).await;
    let vague = review_browser
        .submit(&at, &review(initiative.id, 1, "komplettering", &[]))
        .await;
    assert_eq!(vague.status(), StatusCode::BAD_REQUEST);
    assert!(
        vague
            .text()
            .await
            .unwrap()
            .contains("Skriv vad som ska kompletteras")
    );

    // A half-year that does not exist or that the satsning does not report on: 404.
    for half in ["2026-H3", "2024-H1", "2030-H1", "halvar"] {
        let path = format!("/satsningar/{}/halvar/{half}", initiative.id);
        assert_eq!(
            lead_browser.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{half}"
        );
    }
    // An unknown half-year in the list's filter: a Swedish 400.
    let list = review_browser
        .get("/halvarsredovisningar?halvar=2026-H9")
        .await;
    assert_eq!(list.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn actual_costs_reach_the_budget_rule_and_the_report() {
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let at = page(initiative.id);

    // The budget is 1 000 000 kr; 1 150 000 kr spent is over the whole budget.
    let costs = CostsForm {
        amounts: BTreeMap::from([
            ("personal_2025".to_string(), "400 000".to_string()),
            ("personal_2026".to_string(), "700 000".to_string()),
            ("material_2026".to_string(), "50 000".to_string()),
        ]),
    };
    let saved = lead_browser
        .submit(
            &at,
            &SaveHalfYearCosts {
                id: initiative.id,
                halvar: HALF.into(),
                costs,
            },
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let stored =
        app::economics::actual_repo::costs(&app.db, lead.actor.organisation_id, initiative.id)
            .await
            .unwrap();
    assert_eq!(app::economics::actual::spent_to_date(&stored), 1_150_000);
    let flags: Vec<(String, String)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT rule, severity FROM deviation_flag WHERE initiative_id = $1 AND rule = 'budget'")
            .bind(initiative.id)
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(flags, vec![("budget".to_string(), "rod".to_string())]);
    let report = html(&lead_browser, &at).await;
    assert!(report.contains("Faktiska kostnader hittills: 1\u{a0}150\u{a0}000\u{a0}kr"));

    // The calculation counts 2025's costs (closed: its July–December report was due on 28
    // February 2026) in place of its budget, and 2026's spending so far, already above its
    // (empty) budget; the whole budget of 1 000 000 kr sits in 2025, the first year.
    let economics = html(
        &lead_browser,
        &format!("/satsningar/{}/ekonomi", initiative.id),
    )
    .await;
    let kr = |amount: &str| format!("{}\u{a0}kr", amount.replace(' ', "\u{a0}"));
    let rows = texts_of(&economics, "#kostnader tbody tr");
    assert_eq!(
        rows,
        vec![
            format!(
                "2025 {} {} {} Faktisk kostnad",
                kr("1 000 000"),
                kr("400 000"),
                kr("400 000")
            ),
            format!(
                "2026 {} {} {} Faktisk kostnad hittills (över budget)",
                kr("0"),
                kr("750 000"),
                kr("750 000")
            ),
        ]
    );
    // 400 000 + 750 000 / 1,035 at the default discount rate.
    assert_eq!(
        texts_of(&economics, "#nuvarde-kostnader"),
        vec![kr("1 124 638")]
    );

    // The fund overview shows what was spent, per nämnd and in total.
    let (_, reviewer) = UserBuilder::with_role(Role::Review).login(&app).await;
    let fund = html(&reviewer, "/fonden").await;
    let spent_in = |row: &str| {
        texts_of(&fund, row)
            .into_iter()
            .filter(|r| r.contains(&kr("1 150 000")))
            .count()
    };
    assert_eq!(
        spent_in("tbody tr"),
        2,
        "both nämnder of the satsning: {fund}"
    );
    assert_eq!(spent_in("tfoot tr"), 1);
}

#[tokio::test]
async fn the_demo_has_an_approved_report_a_draft_and_one_late_report() {
    let app = crate::helpers::spawn_demo_app().await;
    let beredning = app.as_user("beredning@exempel.se").await;
    let id = app.initiative_id(app::demo::DEMO_REPORT_SATSNING).await;
    let today = app::sv::time::local_date(chrono::Utc::now());
    let current = app::halfyear::HalfYear::of(today);
    let previous = app::halfyear::HalfYear::of(current.first_day() - chrono::Duration::days(1));

    let approved = html(&beredning, &format!("/satsningar/{id}/halvar/{previous}")).await;
    assert!(approved.contains("Exempeldata"));
    assert!(approved.contains("Godkänd"));
    assert!(approved.contains("Version 1"));
    assert!(approved.contains("Faktiska kostnader hittills"));
    let draft = html(&beredning, &format!("/satsningar/{id}/halvar/{current}")).await;
    assert!(draft.contains("Utkast"));
    let list = html(
        &beredning,
        &format!("/halvarsredovisningar?halvar={previous}"),
    )
    .await;
    assert!(list.contains(app::demo::DEMO_REPORT_SATSNING));

    // Every report of the demo satsning is in, so it has no open Rapport flag; the satsning
    // that started this year has not sent its first report, and the queue shows it.
    assert_eq!(open_report_flags(&app, id).await, vec![]);
    let late = app
        .initiative_id("Tidigt stöd för unga vuxna (fiktiv)")
        .await;
    let flags = open_report_flags(&app, late).await;
    assert_eq!(flags.len(), 1, "{flags:?}");
    let queue = html(&beredning, "/avvikelser").await;
    assert!(queue.contains("Tidigt stöd för unga vuxna (fiktiv)"));
}

/// The open Rapport flags of `initiative`: (window, severity, explanation).
async fn open_report_flags(app: &TestApp, initiative: i64) -> Vec<(String, String, String)> {
    app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT window_key, severity, explanation FROM deviation_flag
             WHERE initiative_id = $1 AND rule = 'rapport' AND status <> 'stangd'
             ORDER BY window_key",
        )
        .bind(initiative)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

both_backends!(a_late_report_raises_the_rapport_flag_and_submitting_it_moves_the_flag_on);
async fn a_late_report_raises_the_rapport_flag_and_submitting_it_moves_the_flag_on(app: TestApp) {
    // Arrange: a satsning reporting since July 2025; on 15 September 2026 neither the report
    // for 2025-H2 (due 28 February) nor the one for 2026-H1 (due 31 August) is in.
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let settings = app::deviation::repo::Settings::default();
    let sweep_on = |day: u32| {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 9, day)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
            .and_utc();
        app::deviation::repo::sweep(&app.db, &settings, now)
    };
    sweep_on(15).await.unwrap();
    let flags = open_report_flags(&app, initiative.id).await;
    assert_eq!(flags.len(), 1, "one flag, for the oldest: {flags:?}");
    assert_eq!(
        (flags[0].0.as_str(), flags[0].1.as_str()),
        ("2025-H2", "rod")
    );
    assert!(flags[0].2.contains("juli–december 2025"), "{}", flags[0].2);
    assert!(flags[0].2.contains("Även januari–juni 2026 saknas."));

    // Act: the older report is written and submitted.
    write_and_submit(&browser, initiative.id, "2025-H2").await;
    sweep_on(15).await.unwrap();

    // Assert: the flag moved on to 2026-H1, gul at 15 days late.
    let flags = open_report_flags(&app, initiative.id).await;
    assert_eq!(
        flags
            .iter()
            .map(|f| (f.0.as_str(), f.1.as_str()))
            .collect::<Vec<_>>(),
        [("2026-H1", "gul")]
    );
    assert!(flags[0].2.contains("nu 15 dagar sedan"), "{}", flags[0].2);

    // With both in, nothing is late, and another sweep changes nothing.
    write_and_submit(&browser, initiative.id, HALF).await;
    sweep_on(15).await.unwrap();
    assert_eq!(open_report_flags(&app, initiative.id).await, vec![]);
    let again = sweep_on(15).await.unwrap();
    assert_eq!(again.changed(), 0, "{again:?}");
}
