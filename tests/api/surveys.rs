//! Enkäter: who may build a survey; a participant answers through a link or a single-use code
//! (once, also when the same code is posted twice at the same moment); a retried post stores
//! nothing twice; closed waves and malformed answers are refused with Swedish messages and
//! nothing stored; the response table cannot hold a token, an address or a time; the
//! builder refuses changes once there are answers; and a wave's answers reach the linked
//! effektmått through reporting, audited, while a cell below the threshold writes nothing.

use std::collections::BTreeMap;

use app::auth::Role;
use app::initiative::Status;
use app::schema::MeasureKind;
use app::schema::repo::Parent;
use app::survey::api::{
    AddQuestion, CreateSurvey, DeleteQuestion, EnterPaper, SubmitSurvey, TransferWave,
};
use app::survey::{QuestionForm, SurveyForm};
use chrono::{Duration, Utc};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

use crate::builders::{
    InitiativeBuilder, SchemaBuilder, TestInitiative, TestUser, UserBuilder, measure_form,
    other_organisation,
};
use crate::helpers::{Backend, TestApp, postgres_database, spawn_app, spawn_app_with};

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

/// `name` as two tests with a panel secret configured: on SQLite always, on PostgreSQL when
/// `TEST_DATABASE_URL` is set.
macro_rules! both_panel_backends {
    ($name:ident) => {
        mod $name {
            fn with_secret(config: &mut server::config::Config) {
                config.survey_panel_secret = Some(super::PANEL_SECRET.to_string().into());
            }

            #[tokio::test]
            async fn on_sqlite() {
                super::$name(super::spawn_app_with(super::Backend::Sqlite, with_secret).await)
                    .await;
            }

            #[tokio::test]
            async fn on_postgres() {
                let Some(url) = super::postgres_database().await else {
                    return;
                };
                super::$name(
                    super::spawn_app_with(super::Backend::Postgres(url), with_secret).await,
                )
                .await;
            }
        }
    };
}

/// A running satsning led by `lead` with one effektmått E1 (a share, %).
pub async fn satsning(app: &TestApp, lead: &TestUser) -> (TestInitiative, i64) {
    let today = app::sv::time::local_date(Utc::now());
    let start = today - Duration::days(60);
    let end = today + Duration::days(700);
    let initiative = InitiativeBuilder::named("Trygg skolväg")
        .status(Status::Running)
        .period(&start.to_string(), &end.to_string())
        .led_by(lead)
        .create(app)
        .await;
    let schema = SchemaBuilder::new(app, &initiative, lead);
    let goal = schema.goal("Fler elever känner sig trygga").await;
    let activity = schema.activity(goal, "Vuxna på skolvägen").await;
    let mut form = measure_form("E1");
    form.name = "Andel trygga elever".into();
    form.unit = "%".into();
    form.value_type = "andel".into();
    form.source = "enkat".into();
    let e1 = schema
        .measure(MeasureKind::Effect, Parent::Activity(activity), &form)
        .await;
    (initiative, e1)
}

/// A survey with a required Likert question feeding `measure` (share ≥ 4), an optional
/// number question (0–120) and an optional ja/nej question; returns (survey, question ids).
pub async fn survey(
    app: &TestApp,
    lead: &TestUser,
    initiative: i64,
    measure: i64,
) -> (i64, Vec<i64>) {
    let now = Utc::now();
    let id = app::survey::repo::create(&app.db, lead.actor, initiative, "Trygghet", "", false, now)
        .await
        .unwrap();
    let forms = [
        QuestionForm {
            kind: "likert".into(),
            text: "Jag känner mig trygg på väg till skolan".into(),
            required: true,
            low_label: "Inte alls".into(),
            high_label: "Helt".into(),
            measure: measure.to_string(),
            aggregation: "andel_minst".into(),
            threshold: "4".into(),
            ..QuestionForm::default()
        },
        QuestionForm {
            kind: "tal".into(),
            text: "Hur många minuter tar vägen?".into(),
            min: "0".into(),
            max: "120".into(),
            ..QuestionForm::default()
        },
        QuestionForm {
            kind: "janej".into(),
            text: "Går du med en kompis?".into(),
            ..QuestionForm::default()
        },
    ];
    let mut questions = Vec::new();
    for form in forms {
        let input = form.parse(&[measure]).expect("a valid question");
        questions.push(
            app::survey::repo::add_question(&app.db, lead.actor, id, &input, now)
                .await
                .unwrap(),
        );
    }
    (id, questions)
}

/// A wave open from `opens` to `closes` days from today; returns its id.
pub async fn wave(app: &TestApp, lead: &TestUser, survey: i64, opens: i64, closes: i64) -> i64 {
    let today = app::sv::time::local_date(Utc::now());
    let dates = (
        "Före",
        today + Duration::days(opens),
        today + Duration::days(closes),
    );
    app::survey::repo::add_wave(&app.db, lead.actor, survey, dates, Utc::now())
        .await
        .unwrap()
}

/// A new token of `wave`: an open link, or a single-use code.
pub async fn token(app: &TestApp, lead: &TestUser, wave: i64, single_use: bool) -> String {
    let token = app::survey::new_token(if single_use { 8 } else { 26 });
    app::survey::repo::add_links(
        &app.db,
        lead.actor,
        wave,
        std::slice::from_ref(&token),
        single_use,
        Utc::now(),
    )
    .await
    .unwrap();
    token
}

/// The submission id the participant's page carries.
pub async fn submission_id(participant: &TestApp, token: &str) -> String {
    let page = participant.get(&format!("/enkat/{token}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let at = html
        .find("name=\"inlamning\" value=\"")
        .expect("the form carries a submission id");
    let rest = &html[at + "name=\"inlamning\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The participant's post: answers `svar[q<id>]` for the one-value questions.
pub fn answers(token: &str, wave: i64, submission: &str, pairs: &[(i64, &str)]) -> SubmitSurvey {
    SubmitSurvey {
        token: token.into(),
        vag: wave,
        inlamning: submission.into(),
        svar: Some(
            pairs
                .iter()
                .map(|(q, v)| (format!("q{q}"), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ),
        flera: None,
        sprak: None,
    }
}

pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    })
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn admin_utvarderare_and_the_satsnings_projektledare_build_surveys_others_do_not() {
    // Arrange
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let id = initiative.id;
    let page = format!("/satsningar/{id}/enkater");
    let create = |title: &str| CreateSurvey {
        id,
        survey: SurveyForm {
            title: title.into(),
            intro: String::new(),
            panel: None,
        },
    };
    // Act / Assert: the builders may.
    let admin = UserBuilder::with_role(Role::Admin).login(&app).await.1;
    let evaluator = UserBuilder::with_role(Role::Evaluator).login(&app).await.1;
    for (who, browser) in [
        ("admin", &admin),
        ("utvärderare", &evaluator),
        ("projektledare", &lead_browser),
    ] {
        let response = browser.submit(&page, &create("Trygghet")).await;
        assert_eq!(response.status(), 303, "{who}");
        assert!(location(&response).starts_with(&format!("/satsningar/{id}/enkater/")));
    }
    // The others may not: 403 for staff who see it, 404 for a projektledare who does not.
    for (role, status) in [
        (Role::Review, StatusCode::FORBIDDEN),
        (Role::Reader, StatusCode::FORBIDDEN),
        (Role::ProjectLead, StatusCode::NOT_FOUND),
    ] {
        let (_, browser) = UserBuilder::with_role(role).login(&app).await;
        let response = browser.submit(&page, &create("Förbjuden")).await;
        assert_eq!(response.status(), status, "{role:?}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey").await, 3);
    // Everyone who sees the satsning reads the list.
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    let listing = reader.get(&page).await;
    assert_eq!(listing.status(), 200);
    assert!(listing.text().await.unwrap().contains("Trygghet"));
}

both_backends!(a_code_answers_once_also_when_posted_twice_at_the_same_moment);

async fn a_code_answers_once_also_when_posted_twice_at_the_same_moment(app: TestApp) {
    // Arrange: one code, opened in two browsers (two forms, two submission ids).
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, -1, 10).await;
    let code = token(&app, &lead, w, true).await;
    let (one, two) = (app.with_new_client(), app.with_new_client());
    let (first, second) = (
        submission_id(&one, &code).await,
        submission_id(&two, &code).await,
    );
    assert_ne!(first, second);
    // Act: both post at once; the printed form (lower case, dash) is the same code.
    let page = format!("/enkat/{code}");
    let printed = app::survey::printed_code(&code).to_lowercase();
    let post_one = answers(&code, w, &first, &[(q[0], "4")]);
    let post_two = answers(&printed, w, &second, &[(q[0], "5")]);
    let (a, b) = tokio::join!(one.submit(&page, &post_one), two.submit(&page, &post_two));
    // Assert: one stored, the other told calmly that the code is used.
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 409]);
    let refused = if a.status() == 409 { a } else { b };
    assert!(refused.text().await.unwrap().contains("redan använts"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_response").await, 1);
    // The page now says so too, and the code cannot be used again.
    let again = app.with_new_client().get(&page).await;
    assert!(again.text().await.unwrap().contains("redan använts"));
}

#[tokio::test]
async fn a_retried_or_double_clicked_post_stores_the_answers_once() {
    let app = spawn_app().await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, 0, 0).await;
    let link = token(&app, &lead, w, false).await;
    let participant = app.with_new_client();
    let submission = submission_id(&participant, &link).await;
    let post = answers(&link, w, &submission, &[(q[0], "3"), (q[1], "15")]);
    let page = format!("/enkat/{link}");
    let (a, b) = tokio::join!(
        participant.submit(&page, &post),
        participant.submit(&page, &post)
    );
    let again = participant.submit(&page, &post).await;
    for response in [a, b, again] {
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/enkat/tack");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_response").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_answer").await, 2);
    // An open link takes the next participant's answers.
    let next = app.with_new_client();
    let other = submission_id(&next, &link).await;
    let response = next
        .submit(&page, &answers(&link, w, &other, &[(q[0], "5")]))
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_response").await, 2);
}

#[tokio::test]
async fn a_closed_or_unopened_wave_takes_no_answers_and_says_so_calmly() {
    let app = spawn_app().await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let closed = wave(&app, &lead, sid, -20, -1).await;
    let later = wave(&app, &lead, sid, 5, 20).await;
    for (w, words) in [(closed, "stängde"), (later, "öppnar")] {
        let link = token(&app, &lead, w, false).await;
        let page = format!("/enkat/{link}");
        let participant = app.with_new_client();
        let shown = participant.get(&page).await;
        assert_eq!(shown.status(), 200);
        assert!(shown.text().await.unwrap().contains(words));
        let post = answers(&link, w, "ABCDEFGHJKLMNPQRSTUVWXYZ23", &[(q[0], "4")]);
        let response = participant.submit(&page, &post).await;
        assert_eq!(response.status(), 409);
        assert!(response.text().await.unwrap().contains(words));
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_response").await, 0);
    // An unknown token is "not found".
    let unknown = app.get("/enkat/FINNSINTEFINNSINTEFINNSINT").await;
    assert_eq!(unknown.status(), 404);
}

both_backends!(malformed_answers_are_refused_in_swedish_keep_what_was_typed_and_store_nothing);

async fn malformed_answers_are_refused_in_swedish_keep_what_was_typed_and_store_nothing(
    app: TestApp,
) {
    // Arrange
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, 0, 3).await;
    let other = wave(&app, &lead, sid, 0, 3).await;
    let link = token(&app, &lead, w, false).await;
    let page = format!("/enkat/{link}");
    let participant = app.with_new_client();
    let submission = submission_id(&participant, &link).await;
    let long = "å".repeat(app::survey::MAX_ANSWER_CHARS + 1);
    let cases: Vec<(SubmitSurvey, &str, &str)> = vec![
        (
            answers(&link, w, &submission, &[(q[1], "17")]),
            "Frågan behöver ett svar.",
            "value=\"17\"",
        ),
        (
            answers(&link, w, &submission, &[(q[0], "4"), (q[1], "121")]),
            "Svara med ett tal från 0 till 120.",
            "value=\"121\"",
        ),
        (
            answers(&link, w, &submission, &[(q[0], "9")]),
            "Välj ett av svarsalternativen.",
            "",
        ),
        (
            answers(&link, w, &submission, &[(q[0], "4"), (q[2], "kanske")]),
            "Välj ett av svarsalternativen.",
            "",
        ),
        (
            answers(&link, w, &submission, &[(q[0], "4"), (999_999, "1")]),
            "frågor som inte finns",
            "",
        ),
        (
            answers(&link, other, &submission, &[(q[0], "4")]),
            "hör inte till den här enkäten",
            "",
        ),
    ];
    // Act / Assert
    for (post, message, kept) in cases {
        let response = participant.submit(&page, &post).await;
        assert!(response.status().is_client_error(), "{message}");
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains(kept));
    }
    // A huge text (on a survey with a free-text question) and broken UTF-8.
    let text_question = QuestionForm {
        kind: "fritext".into(),
        text: "Något mer?".into(),
        ..QuestionForm::default()
    }
    .parse(&[])
    .unwrap();
    let fresh = app::survey::repo::create(
        &app.db,
        lead.actor,
        initiative.id,
        "Fritext",
        "",
        false,
        Utc::now(),
    )
    .await
    .unwrap();
    let tq =
        app::survey::repo::add_question(&app.db, lead.actor, fresh, &text_question, Utc::now())
            .await
            .unwrap();
    let tw = wave(&app, &lead, fresh, 0, 3).await;
    let tlink = token(&app, &lead, tw, false).await;
    let tpage = format!("/enkat/{tlink}");
    let tsub = submission_id(&participant, &tlink).await;
    let response = participant
        .submit(&tpage, &answers(&tlink, tw, &tsub, &[(tq, &long)]))
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("högst 2000 tecken"));
    let body = format!(
        "_atgard={}&token={tlink}&vag={tw}&inlamning={tsub}&svar%5Bq{tq}%5D=%FF%FE",
        urlencode(SubmitSurvey::PATH)
    );
    let response = participant
        .client
        .post(format!("{}{tpage}", participant.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("teckenkodning"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_response").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_answer").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM survey_submission").await,
        0
    );
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("x", text)]).unwrap()[2..].to_string()
}

both_backends!(responses_hold_no_token_code_address_or_time_only_the_date);

async fn responses_hold_no_token_code_address_or_time_only_the_date(app: TestApp) {
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, 0, 3).await;
    let code = token(&app, &lead, w, true).await;
    let participant = app.with_new_client();
    let submission = submission_id(&participant, &code).await;
    let response = participant
        .submit(
            &format!("/enkat/{code}"),
            &answers(&code, w, &submission, &[(q[0], "4")]),
        )
        .await;
    assert_eq!(response.status(), 303);
    let db = &app.db;
    let columns = |table: &'static str| async move {
        let sql = match db {
            app::db::Db::Sqlite(_) => "SELECT name FROM pragma_table_info($1)",
            app::db::Db::Postgres(_) => {
                "SELECT column_name::text FROM information_schema.columns WHERE table_name = $1"
            }
        };
        let mut names: Vec<String> = app::db_read!(db, |pool| {
            sqlx::query_scalar(sql)
                .bind(table)
                .fetch_all(pool)
                .await
                .unwrap()
        });
        names.sort();
        names
    };
    assert_eq!(
        columns("survey_response").await,
        ["answered_on", "id", "pseudonym", "source", "wave_id"]
    );
    assert_eq!(
        columns("survey_answer").await,
        ["id", "number", "question_id", "response_id", "text"]
    );
    let day: String = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT CAST(answered_on AS TEXT) FROM survey_response")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(day, app::sv::time::local_date(Utc::now()).to_string());
    // The code is kept only as its hash, and no stored text anywhere holds it.
    let hashes: Vec<String> = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT token_hash FROM survey_link")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(hashes, [app::survey::token_hash(&code)]);
    let audit = count(
        &app,
        "SELECT COUNT(*) FROM audit_event WHERE object_type = 'survey_response'",
    )
    .await;
    assert_eq!(audit, 0);
    let leaks: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE changes LIKE $1")
            .bind(format!("%{code}%"))
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(leaks, 0);
}

#[tokio::test]
async fn the_builder_refuses_to_change_questions_once_a_wave_has_answers() {
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let id = initiative.id;
    let page = format!("/satsningar/{id}/enkater/{sid}");
    let add = AddQuestion {
        id,
        enkat: sid,
        question: QuestionForm {
            kind: "janej".into(),
            text: "Har du en vuxen att prata med?".into(),
            ..QuestionForm::default()
        },
    };
    // Before any answer the builder changes freely.
    assert_eq!(browser.submit(&page, &add).await.status(), 303);
    let w = wave(&app, &lead, sid, 0, 3).await;
    let link = token(&app, &lead, w, false).await;
    let participant = app.with_new_client();
    let submission = submission_id(&participant, &link).await;
    let post = answers(&link, w, &submission, &[(q[0], "2")]);
    assert_eq!(
        participant
            .submit(&format!("/enkat/{link}"), &post)
            .await
            .status(),
        303
    );
    // After: refused, with the reason, and nothing changed.
    let response = browser.submit(&page, &add).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("kan inte ändras"));
    let delete = DeleteQuestion {
        id,
        enkat: sid,
        fraga: q[1],
    };
    assert_eq!(browser.submit(&page, &delete).await.status(), 409);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_question").await, 4);
}

both_backends!(a_waves_answers_reach_the_effect_measure_audited_and_a_small_cell_writes_nothing);

async fn a_waves_answers_reach_the_effect_measure_audited_and_a_small_cell_writes_nothing(
    app: TestApp,
) {
    // Arrange: seven participants answer the Likert question (released: the first five);
    // only three answer the optional number question.
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let schema = SchemaBuilder::new(&app, &initiative, &lead);
    let goal = schema.goal("Kortare väg").await;
    let activity = schema.activity(goal, "Ny gångväg").await;
    let e2 = schema
        .measure(
            MeasureKind::Effect,
            Parent::Activity(activity),
            &measure_form("E2"),
        )
        .await;
    let minutes = QuestionForm {
        kind: "tal".into(),
        text: "Minuter i dag".into(),
        min: "0".into(),
        max: "120".into(),
        measure: e2.to_string(),
        aggregation: "medel".into(),
        ..QuestionForm::default()
    }
    .parse(&[e2])
    .unwrap();
    let q4 = app::survey::repo::add_question(&app.db, lead.actor, sid, &minutes, Utc::now())
        .await
        .unwrap();
    let w = wave(&app, &lead, sid, -3, 0).await;
    let link = token(&app, &lead, w, false).await;
    let steps = ["5", "4", "2", "4", "3", "1", "1"];
    for (i, step) in steps.iter().enumerate() {
        let participant = app.with_new_client();
        let submission = submission_id(&participant, &link).await;
        let mut pairs = vec![(q[0], *step)];
        if i < 3 {
            pairs.push((q4, "20"));
        }
        let post = answers(&link, w, &submission, &pairs);
        let response = participant.submit(&format!("/enkat/{link}"), &post).await;
        assert_eq!(response.status(), 303);
    }
    // A wave that has not opened, or closes in a later month (not reported yet), transfers
    // nothing.
    let id = initiative.id;
    let page = format!("/satsningar/{id}/enkater/{sid}");
    for (opens, closes) in [(3, 5), (-3, 45)] {
        let early = wave(&app, &lead, sid, opens, closes).await;
        let refused = TransferWave {
            id,
            enkat: sid,
            vag: early,
        };
        assert_eq!(browser.submit(&page, &refused).await.status(), 409);
    }
    // Act
    let transfer = TransferWave {
        id,
        enkat: sid,
        vag: w,
    };
    let response = browser
        .submit(&format!("/satsningar/{id}/enkater/{sid}"), &transfer)
        .await;
    assert_eq!(response.status(), 303);
    // Assert: E1 gets the share ≥ 4 of the first five answers (5, 4, 2, 4, 3 → 60 %) for the
    // wave's month, marked as from the survey and audited; E2 (three answers) gets nothing.
    let period = app::report::Period::of(app::sv::time::local_date(Utc::now()));
    let stored: Vec<(i64, Option<f64>, String)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT measure_id, value, comment FROM measure_value WHERE period = $1")
            .bind(period.as_db())
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].0, e1);
    assert_eq!(stored[0].1, Some(60.0));
    assert!(stored[0].2.contains("Från enkäten Trygghet"));
    let latest: Option<f64> = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT latest_value FROM measure WHERE id = $1")
            .bind(e1)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(latest, Some(60.0));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_event WHERE object_type = 'measure_value'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_event WHERE object_type = 'survey_transfer'"
        )
        .await,
        2
    );
    // The results page says what went where, and why E2 got nothing.
    let results = browser
        .get(&format!("/satsningar/{id}/enkater/{sid}/resultat"))
        .await;
    assert_eq!(results.status(), 200);
    let html = results.text().await.unwrap();
    assert!(html.contains("färre än 5 svar"));
    assert!(html.contains("60"));
    // The CSV shows the suppressed cell as "döljs", never its numbers.
    let csv = browser
        .get(&format!("/satsningar/{id}/enkater/{sid}/resultat.csv"))
        .await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.contains("Minuter i dag"));
    let minutes_rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("Minuter i dag"))
        .collect();
    assert!(
        minutes_rows.iter().all(|l| l.contains("döljs")),
        "{minutes_rows:?}"
    );
}

#[tokio::test]
async fn the_demo_has_a_survey_with_two_waves_labelled_as_example_data_and_one_hidden_cell() {
    let app = crate::helpers::spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app.initiative_id(app::demo::DEMO_SURVEY_SATSNING).await;
    let list = lead.get(&format!("/satsningar/{id}/enkater")).await;
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    assert!(html.contains("Exempeldata"));
    assert!(html.contains("Hur går skolarbetet? (exempel)"));
    let sid: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM survey WHERE initiative_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let results = lead
        .get(&format!("/satsningar/{id}/enkater/{sid}/resultat"))
        .await;
    assert_eq!(results.status(), 200);
    let html = results.text().await.unwrap();
    assert!(html.contains("Före") && html.contains("Efter"));
    // Efter's free text has four answers: hidden, with the reason; Före's twelve are shown.
    assert!(html.contains("färre än 10 svar"), "{html}");
    assert!(html.contains("Exempel: Fler datorer"));
    // It is a panel: the 15 released "Efter" answers pair with the same pupils' "Före".
    assert!(html.contains("Förändring per person (panel)"), "{html}");
    let pupils = crate::helpers::texts_of(&html, "#per-person ~ .table-scroll tbody tr td");
    assert_eq!(pupils.get(1).map(String::as_str), Some("15"), "{pupils:?}");
    // The satsning page lists the survey beside what it feeds.
    let page = lead.get(&format!("/satsningar/{id}")).await;
    let html = page.text().await.unwrap();
    assert!(html.contains("enkater-rubrik"));
    assert!(
        html.contains("Jag får hjälp med läxorna när jag behöver det →"),
        "{html}"
    );
}

#[tokio::test]
async fn staff_type_in_paper_answers_once_each_and_only_builders_may() {
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, -20, -5).await;
    let id = initiative.id;
    let page = format!("/satsningar/{id}/enkater/{sid}/utskick/{w}/papper");
    let shown = browser.get(&page).await;
    assert_eq!(shown.status(), 200);
    let html = shown.text().await.unwrap();
    let at = html.find("name=\"inlamning\" value=\"").unwrap() + 25;
    let submission = html[at..at + 26].to_string();
    let entry = EnterPaper {
        id,
        enkat: sid,
        vag: w,
        inlamning: submission,
        svar: Some([(format!("q{}", q[0]), "5".to_string())].into()),
        flera: None,
    };
    // A closed wave still takes paper answers; a double click stores one.
    let (a, b) = tokio::join!(browser.submit(&page, &entry), browser.submit(&page, &entry));
    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM survey_response WHERE source = 'papper'"
        )
        .await,
        1
    );
    // The same checks as a participant's: a missing required answer stores nothing.
    let mut empty = entry;
    empty.inlamning = "ABCDEFGHJKLMNPQRSTUVWXYZ99".into();
    empty.svar = None;
    let refused = browser.submit(&page, &empty).await;
    assert_eq!(refused.status(), 400);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Frågan behöver ett svar.")
    );
    // A läsare may read results but not type answers in.
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    assert_eq!(reader.get(&page).await.status(), 403);
    let mut theirs = empty;
    theirs.svar = Some([(format!("q{}", q[0]), "1".to_string())].into());
    assert_eq!(reader.submit(&page, &theirs).await.status(), 403);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_response").await, 1);
}

#[tokio::test]
async fn codes_and_links_are_shown_once_on_their_sheet_and_stored_only_as_hashes() {
    // Arrange
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, _) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, 0, 10).await;
    let base = format!("/satsningar/{}/enkater/{sid}/utskick/{w}", initiative.id);
    // Act: three codes, then an open link.
    let sheet = browser
        .post_form(&format!("{base}/koder"), &[("antal", "3")])
        .await;
    assert_eq!(sheet.status(), 200);
    assert_eq!(sheet.headers()["cache-control"], "no-store");
    let html = sheet.text().await.unwrap();
    let link = browser.post_form(&format!("{base}/lank"), &[]).await;
    assert_eq!(link.status(), 200);
    let link_html = link.text().await.unwrap();
    // Assert: three slips, each with a QR code and its code; the codes work, once stored
    // only as their hashes; the link's token has 26 symbols (130 bits).
    assert_eq!(html.matches("class=\"code-slip\"").count(), 3);
    assert_eq!(html.matches("<svg class=\"qr\"").count(), 3);
    let codes: Vec<String> = html
        .split("<strong class=\"code\">")
        .skip(1)
        .map(|rest| rest[..rest.find('<').unwrap()].to_string())
        .collect();
    assert_eq!(codes.len(), 3);
    let at = link_html.find("/enkat/").unwrap() + "/enkat/".len();
    let token: String = link_html[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    assert_eq!(token.len(), 26);
    let hashes: Vec<String> = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT token_hash FROM survey_link ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    let mut expected: Vec<String> = codes.iter().map(|c| app::survey::token_hash(c)).collect();
    expected.push(app::survey::token_hash(&token));
    assert_eq!(hashes, expected);
    let participant = app.with_new_client();
    let page = participant
        .get(&format!("/enkat/{}", codes[0].replace('-', "")))
        .await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Skicka svaren"));
    // Refused: a bad count, a läsare, a closed wave.
    let bad = browser
        .post_form(&format!("{base}/koder"), &[("antal", "0")])
        .await;
    assert_eq!(bad.status(), 400);
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    let refused = reader
        .post_form(&format!("{base}/koder"), &[("antal", "2")])
        .await;
    assert_eq!(refused.status(), 403);
    let closed = wave(&app, &lead, sid, -10, -1).await;
    let late = browser
        .post_form(
            &format!(
                "/satsningar/{}/enkater/{sid}/utskick/{closed}/lank",
                initiative.id
            ),
            &[],
        )
        .await;
    assert_eq!(late.status(), 409);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_link").await, 4);
}

#[tokio::test]
async fn guessing_codes_is_stopped_after_twenty_misses_a_minute() {
    let app = spawn_app().await;
    for _ in 0..server::surveys::GUESSES_PER_MINUTE {
        let miss = app.get("/enkat/ABCDEFGH").await;
        assert_eq!(miss.status(), 404);
    }
    let stopped = app.get("/enkat/ABCDEFGJ").await;
    assert_eq!(stopped.status(), 429);
    assert!(stopped.text().await.unwrap().contains("Vänta"));
}

both_backends!(the_satsning_page_shows_each_waves_value_beside_its_measure_and_hides_a_small_wave);

async fn the_satsning_page_shows_each_waves_value_beside_its_measure_and_hides_a_small_wave(
    app: TestApp,
) {
    // Arrange: "Före" has five answers to the Likert question that feeds E1 (share ≥ 4:
    // 5, 4, 2, 4, 3 → 60 %); "Efter" has three, all 5 (would be 100 %).
    let (lead, _) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let today = app::sv::time::local_date(Utc::now());
    let mut waves = Vec::new();
    for (name, steps) in [
        ("Före", &[5.0, 4.0, 2.0, 4.0, 3.0][..]),
        ("Efter", &[5.0; 3][..]),
    ] {
        let dates = (name, today - Duration::days(3), today + Duration::days(3));
        let w = app::survey::repo::add_wave(&app.db, lead.actor, sid, dates, Utc::now())
            .await
            .unwrap();
        for step in steps {
            let answer = app::survey::Answer {
                question_id: q[0],
                number: Some(*step),
                text: None,
            };
            app::survey::repo::insert_answers(&app.db, w, &[answer], today, "webb", None)
                .await
                .unwrap();
        }
        waves.push(w);
    }
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    // Act
    let page = reader.get(&format!("/satsningar/{}", initiative.id)).await;
    // Assert: in E1's chart card, each wave with n and its value, or hidden with no number.
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let card_at = html
        .find(&format!("id=\"diagram-rubrik-{e1}\""))
        .expect("E1 has its chart card");
    let card = &html[card_at..];
    let card = &card[..card.find("</figure>").unwrap()];
    let beside = &card[card
        .find(&format!("data-survey=\"{sid}\""))
        .expect("the survey's results beside E1")..];
    let items: Vec<&str> = beside
        .split("<li class=\"survey-wave\">")
        .skip(1)
        .map(|item| &item[..item.find("</li>").unwrap()])
        .collect();
    assert_eq!(items.len(), 2, "{beside}");
    assert!(
        items[0].contains("Före") && items[0].contains("60 (n = 5)"),
        "{}",
        items[0]
    );
    assert!(items[1].contains("Efter"), "{}", items[1]);
    assert!(items[1].contains("dold – färre än 5 svar"), "{}", items[1]);
    assert!(
        !items[1].contains("n =") && !items[1].contains("100"),
        "{}",
        items[1]
    );
    assert!(
        !items[1].contains('3'),
        "the hidden wave's count: {}",
        items[1]
    );
    assert!(beside.contains(&format!(
        "href=\"/satsningar/{}/enkater/{sid}/resultat\"",
        initiative.id
    )));
}

#[tokio::test]
async fn the_xlsx_export_has_the_csvs_lines_no_number_in_a_hidden_cell_and_only_for_readers() {
    // Arrange: seven answer the Likert question, three of them the number question too
    // (below the threshold: hidden).
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, -3, 3).await;
    let today = app::sv::time::local_date(Utc::now());
    for (i, step) in [5.0, 4.0, 2.0, 4.0, 3.0, 1.0, 1.0].into_iter().enumerate() {
        let mut answers = vec![app::survey::Answer {
            question_id: q[0],
            number: Some(step),
            text: None,
        }];
        if i < 3 {
            answers.push(app::survey::Answer {
                question_id: q[1],
                number: Some(20.0 + i as f64),
                text: None,
            });
        }
        app::survey::repo::insert_answers(&app.db, w, &answers, today, "webb", None)
            .await
            .unwrap();
    }
    let base = format!("/satsningar/{}/enkater/{sid}", initiative.id);
    // Act
    let xlsx = browser.get(&format!("{base}/resultat.xlsx")).await;
    // Assert: an Excel file, the CSV's lines, the hidden cell "döljs" with no number in it.
    assert_eq!(xlsx.status(), 200);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "Resultat").unwrap();
    let rows: Vec<Vec<calamine::Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let csv = browser.get(&format!("{base}/resultat.csv")).await;
    let csv = csv.text().await.unwrap();
    assert_eq!(rows.len(), csv.lines().count(), "{csv}");
    let text = |cell: &calamine::Data| cell.to_string();
    let minutes: Vec<&Vec<calamine::Data>> = rows
        .iter()
        .filter(|r| text(&r[0]) == "Hur många minuter tar vägen?")
        .collect();
    assert_eq!(minutes.len(), 1, "one line for the hidden cell");
    for cell in &minutes[0][3..6] {
        assert_eq!(cell, &calamine::Data::String("döljs".into()), "{minutes:?}");
    }
    // The released five Likert answers (5, 4, 2, 4, 3) are numbers: n = 5, mean 3.6.
    let mean = rows
        .iter()
        .find(|r| text(&r[0]).starts_with("Jag känner mig trygg") && text(&r[2]) == "Medelvärde")
        .expect("the Likert mean");
    assert_eq!(mean[3], calamine::Data::Float(3.6));
    assert_eq!(mean[5], calamine::Data::Float(5.0));
    // Every number in the file belongs to a shown cell: none of the hidden 20, 21, 22.
    assert!(
        !rows
            .iter()
            .flatten()
            .any(|c| matches!(c, calamine::Data::Float(x) if *x >= 20.0))
    );
    // A läsare of another organisation does not find it.
    let other = other_organisation(&app).await;
    let (_, stranger) = UserBuilder::with_role(Role::Reader)
        .of_organisation(other)
        .login(&app)
        .await;
    let refused = stranger.get(&format!("{base}/resultat.xlsx")).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_ne!(
        refused.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
}

/// The panel secret of the panel tests (the configuration's, never the database's).
const PANEL_SECRET: &str = "testernas-panelhemlighet-0123456789-abcdef";

both_panel_backends!(a_panel_code_answers_once_per_wave_and_pairs_the_answers_per_person);

async fn a_panel_code_answers_once_per_wave_and_pairs_the_answers_per_person(app: TestApp) {
    // Arrange: a panel survey made through the builder's form, with a closed "Före" and an
    // open "Efter".
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let id = initiative.id;
    let create = CreateSurvey {
        id,
        survey: SurveyForm {
            title: "Trygghet, panel".into(),
            intro: String::new(),
            panel: Some("ja".into()),
        },
    };
    let made = browser
        .submit(&format!("/satsningar/{id}/enkater"), &create)
        .await;
    assert_eq!(made.status(), 303);
    let sid: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM survey WHERE panel = TRUE")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let q = app::survey::repo::add_question(
        &app.db,
        lead.actor,
        sid,
        &QuestionForm {
            kind: "likert".into(),
            text: "Jag känner mig trygg på väg till skolan".into(),
            required: true,
            low_label: "Inte alls".into(),
            high_label: "Helt".into(),
            measure: e1.to_string(),
            aggregation: "medel".into(),
            ..QuestionForm::default()
        }
        .parse(&[e1])
        .unwrap(),
        Utc::now(),
    )
    .await
    .unwrap();
    let before = wave(&app, &lead, sid, 0, 0).await;
    // Codes from the builder's sheet: shown once, 26 symbols each.
    let sheet = browser
        .post_form(
            &format!("/satsningar/{id}/enkater/{sid}/panelkoder"),
            &[("antal", "6")],
        )
        .await;
    assert_eq!(sheet.status(), 200);
    let html = sheet.text().await.unwrap();
    let codes: Vec<String> = crate::helpers::texts_of(&html, "strong.code")
        .iter()
        .map(|c| app::survey::normalise_token(c))
        .collect();
    assert_eq!(codes.len(), 6);
    assert!(codes.iter().all(|c| c.len() == 26), "{codes:?}");

    // Act: five answer "Före"; one of them tries again from another device.
    let answer = |code: String, wave: i64, value: &'static str| {
        let app = &app;
        async move {
            let participant = app.with_new_client();
            let submission = submission_id(&participant, &code).await;
            participant
                .submit(
                    &format!("/enkat/{code}"),
                    &answers(&code, wave, &submission, &[(q, value)]),
                )
                .await
        }
    };
    for (code, value) in codes.iter().zip(["1", "2", "2", "3", "4"]) {
        assert_eq!(answer(code.clone(), before, value).await.status(), 303);
    }
    let again = app
        .with_new_client()
        .get(&format!("/enkat/{}", codes[0]))
        .await;
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("Du har redan svarat på det här utskicket"),
        "the page says the code has answered this wave"
    );
    // "Före" closes (yesterday), "Efter" opens: the same codes lead there.
    app::db_write!(&app.db, |pool| {
        sqlx::query("UPDATE survey_wave SET opens_on = $2, closes_on = $2 WHERE id = $1")
            .bind(before)
            .bind(app::sv::time::local_date(Utc::now()) - Duration::days(1))
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap()
    });
    let after = wave(&app, &lead, sid, 0, 5).await;
    app::db_write!(&app.db, |pool| {
        sqlx::query("UPDATE survey_wave SET name = 'Efter' WHERE id = $1")
            .bind(after)
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap()
    });
    for (code, value) in codes.iter().zip(["3", "3", "2", "5", "5"]) {
        assert_eq!(answer(code.clone(), after, value).await.status(), 303);
    }
    // The sixth answers "Efter" only, posting from two devices at the same moment: one is
    // stored, the other told calmly.
    let (one, two) = (app.with_new_client(), app.with_new_client());
    let dup = codes[5].clone();
    let (s1, s2) = (
        submission_id(&one, &dup).await,
        submission_id(&two, &dup).await,
    );
    let page = format!("/enkat/{dup}");
    let (post_one, post_two) = (
        answers(&dup, after, &s1, &[(q, "4")]),
        answers(&dup, after, &s2, &[(q, "4")]),
    );
    let (a, b) = tokio::join!(one.submit(&page, &post_one), two.submit(&page, &post_two));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 409]);
    let refused = if a.status() == 409 { a } else { b };
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Du har redan svarat")
    );

    // Assert: eleven responses, each with a pseudonym that is neither a code nor its hash,
    // the same one for a person in both waves.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM survey_response").await,
        11
    );
    let pseudonyms: Vec<(i64, String)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT wave_id, pseudonym FROM survey_response ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    let key = app::survey::panel::PanelKey::new(PANEL_SECRET);
    for code in &codes {
        let p = key.pseudonym(sid, code).unwrap();
        let waves: Vec<i64> = pseudonyms
            .iter()
            .filter(|(_, q)| *q == p)
            .map(|(w, _)| *w)
            .collect();
        assert!(waves == [before, after] || waves == [after], "{waves:?}");
        assert!(
            pseudonyms
                .iter()
                .all(|(_, q)| *q != *code && *q != app::survey::token_hash(code))
        );
    }
    // The results pair the five who answered both: 2.4 before, 3.6 after, +1.2.
    let results = browser
        .get(&format!("/satsningar/{id}/enkater/{sid}/resultat"))
        .await
        .text()
        .await
        .unwrap();
    let row = crate::helpers::texts_of(&results, "#per-person ~ .table-scroll tbody tr td");
    assert_eq!(
        row[..5],
        ["Före → Efter", "5", "2,4", "3,6", "+1,2"],
        "{row:?}"
    );
}

/// Without a panel secret, the builder cannot make a panel survey and says why.
#[tokio::test]
async fn without_a_panel_secret_a_panel_survey_is_refused_with_the_reason() {
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, _) = satsning(&app, &lead).await;
    let id = initiative.id;
    let create = CreateSurvey {
        id,
        survey: SurveyForm {
            title: "Panel utan nyckel".into(),
            intro: String::new(),
            panel: Some("ja".into()),
        },
    };
    let refused = browser
        .submit(&format!("/satsningar/{id}/enkater"), &create)
        .await;
    assert_eq!(refused.status(), 400);
    let page = refused.text().await.unwrap();
    assert!(page.contains("saknar en panelnyckel"), "{page}");
    assert!(
        page.contains("value=\"Panel utan nyckel\""),
        "what was typed is kept"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey").await, 0);
}

both_backends!(one_batch_stores_each_response_once_and_refuses_a_used_code_alone);

/// The group commit's batch ([`app::survey::repo::store_batch`]) does each step for all its
/// responses at once; it must keep every rule a response stored alone keeps.
async fn one_batch_stores_each_response_once_and_refuses_a_used_code_alone(app: TestApp) {
    use app::survey::repo::{Pending, Stored, find_link, store_batch};
    // Arrange: an open link, and two codes of which one is used before the batch.
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, -1, 10).await;
    let (link, code, used) = (
        token(&app, &lead, w, false).await,
        token(&app, &lead, w, true).await,
        token(&app, &lead, w, true).await,
    );
    let today = app::sv::time::local_date(Utc::now());
    let key = app::survey::panel::PanelKey::default();
    let q0 = q[0];
    let pending = |token: &str, submission: &str, answer: f64| {
        let (app, token, submission, key) = (&app, token.to_string(), submission.to_string(), &key);
        async move {
            let target = find_link(&app.db, &token, key, today)
                .await
                .unwrap()
                .unwrap();
            let answers = vec![app::survey::Answer {
                question_id: q0,
                number: Some(answer),
                text: None,
            }];
            Pending::of(&target, &submission, answers, today, "webb")
        }
    };
    let earlier = pending(&used, "inlamning-tidigare-000001", 3.0).await;
    assert_eq!(
        store_batch(&app.db, &[&earlier]).await.unwrap(),
        vec![Ok(Stored::New)]
    );
    let responses = || count(&app, "SELECT COUNT(*) FROM survey_response");
    assert_eq!(responses().await, 1);
    // Act: one batch with two link answers, a double click, the code twice (two browsers),
    // the used code, and the earlier form posted again.
    let batch = [
        pending(&link, "inlamning-lank-0000000001", 4.0).await,
        pending(&link, "inlamning-lank-0000000002", 5.0).await,
        pending(&link, "inlamning-lank-0000000002", 5.0).await,
        pending(&code, "inlamning-kod-00000000001", 2.0).await,
        pending(&code, "inlamning-kod-00000000002", 1.0).await,
        pending(&used, "inlamning-anvand-00000001", 1.0).await,
        pending(&used, "inlamning-tidigare-000001", 3.0).await,
    ];
    let refs: Vec<&Pending> = batch.iter().collect();
    let outcomes = store_batch(&app.db, &refs).await.unwrap();
    // Assert: each rule as for a response stored alone.
    let used_code = Err(app::error::AppError::Conflict(
        app::survey::repo::USED_MESSAGE.into(),
    ));
    assert_eq!(
        outcomes,
        vec![
            Ok(Stored::New),
            Ok(Stored::New),
            Ok(Stored::Repeat),
            Ok(Stored::New),
            used_code.clone(),
            used_code.clone(),
            Ok(Stored::Repeat),
        ]
    );
    assert_eq!(
        responses().await,
        4,
        "one earlier, two by link, one by code"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_answer").await, 4);
    // A refused form posted again is refused again, not thanked as a repeat; a double click of
    // a refused form within one batch is refused with it.
    let again = pending(&code, "inlamning-kod-00000000002", 1.0).await;
    let twice = [&again, &again];
    assert_eq!(
        store_batch(&app.db, &twice).await.unwrap(),
        vec![used_code.clone(), used_code]
    );
    assert_eq!(responses().await, 4);
}
