//! Enkäter on a schedule: a wave that has closed reaches its effektmått by itself, once (also
//! with two instances at the same moment), through the same write as the button; a wave
//! transferred by hand after it closed is left alone.

use app::auth::Role;
use app::db::Db;
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;

use crate::builders::{TestUser, UserBuilder};
use crate::helpers::{Backend, TestApp, postgres_database, spawn_app, spawn_app_with};
use crate::surveys::{answers, count, satsning, submission_id, survey, token, wave};

/// 00:30 in Sweden on the day after today: every wave closing today has closed.
fn tomorrow_night() -> DateTime<Utc> {
    let tomorrow = app::sv::time::local_date(Utc::now()) + Duration::days(1);
    Stockholm
        .from_local_datetime(&tomorrow.and_hms_opt(0, 30, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// The hook a save runs in the server: the deviation evaluation.
fn after_values() -> app::report::AfterValues {
    app::deviation::repo::after_values(Default::default())
}

/// Runs the job body as the scheduler would, on `db` at `now`.
async fn run_job(db: &Db, now: DateTime<Utc>) -> app::survey::jobs::Outcome {
    app::survey::jobs::transfer_closed_waves(db, Default::default(), &after_values(), now)
        .await
        .unwrap()
}

/// A satsning whose survey feeds E1 (share ≥ 4 of a Likert question), and a wave closing
/// today with six answers through its link (5, 4, 4, 2, 1, 5: the first five give 60 %).
/// Returns (lead, satsning id, survey id, wave id, E1).
async fn answered_wave(app: &TestApp) -> (TestUser, i64, i64, i64, i64) {
    let lead = UserBuilder::with_role(Role::ProjectLead).create(app).await;
    let (initiative, e1) = satsning(app, &lead).await;
    let (sid, q) = survey(app, &lead, initiative.id, e1).await;
    let w = wave(app, &lead, sid, -3, 0).await;
    let link = token(app, &lead, w, false).await;
    for step in ["5", "4", "4", "2", "1", "5"] {
        let participant = app.with_new_client();
        let submission = submission_id(&participant, &link).await;
        let post = answers(&link, w, &submission, &[(q[0], step)]);
        let response = participant.submit(&format!("/enkat/{link}"), &post).await;
        assert_eq!(response.status(), 303);
    }
    (lead, initiative.id, sid, w, e1)
}

/// (value, comment, reported_by) of E1's values.
async fn values_of(db: &Db, measure: i64) -> Vec<(Option<f64>, String, Option<i64>)> {
    app::db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT value, comment, reported_by FROM measure_value WHERE measure_id = $1",
        )
        .bind(measure)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

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

both_backends!(a_closed_wave_reaches_its_effektmatt_once_by_itself);

async fn a_closed_wave_reaches_its_effektmatt_once_by_itself(app: TestApp) {
    // Arrange: the answered wave closes today; another wave of the survey is still open.
    let (lead, id, sid, w, e1) = answered_wave(&app).await;
    let still_open = wave(&app, &lead, sid, -3, 5).await;

    // Act: today the wave still takes answers; after midnight it has closed. The job runs
    // twice, as on two ticks.
    let today = run_job(&app.db, Utc::now()).await;
    let closed = run_job(&app.db, tomorrow_night()).await;
    let again = run_job(&app.db, tomorrow_night() + Duration::hours(1)).await;

    // Assert: nothing while open; then one wave, one value; nothing the second time.
    assert_eq!(today.transferred, 0);
    assert_eq!((closed.transferred, closed.values), (1, 1));
    assert_eq!(again, Default::default());
    let stored = values_of(&app.db, e1).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].0, Some(60.0));
    assert!(
        stored[0].1.contains("Från enkäten Trygghet"),
        "{}",
        stored[0].1
    );
    assert_eq!(stored[0].2, None, "Utfall itself wrote it, not a person");
    let latest: Option<f64> = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT latest_value FROM measure WHERE id = $1")
            .bind(e1)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(latest, Some(60.0));
    // Audited as the button's transfer is, with no user named.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_event
             WHERE object_type = 'measure_value' AND actor_user_id IS NULL"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_event
             WHERE object_type = 'survey_transfer' AND actor_user_id IS NULL"
        )
        .await,
        1
    );
    let transferred: Vec<(i64,)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT wave_id FROM survey_transfer")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(transferred, vec![(w,)], "the open wave is not transferred");
    assert_ne!(w, still_open);
    // The results page lists the transfer like one made with the button.
    let (_, staff) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let page = staff
        .get(&format!("/satsningar/{id}/enkater/{sid}/resultat"))
        .await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Från enkäten Trygghet"));
}

both_backends!(a_suppressed_cell_writes_nothing_and_a_wave_transferred_by_hand_is_left);

async fn a_suppressed_cell_writes_nothing_and_a_wave_transferred_by_hand_is_left(app: TestApp) {
    // Arrange: a wave with four answers (below 5) closes today; the answered wave of
    // another satsning is transferred by hand after it closed.
    let (lead, _, _, by_hand, e_by_hand) = answered_wave(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let few = wave(&app, &lead, sid, -3, 0).await;
    let link = token(&app, &lead, few, false).await;
    for step in ["5", "4", "4", "5"] {
        let participant = app.with_new_client();
        let submission = submission_id(&participant, &link).await;
        let post = answers(&link, few, &submission, &[(q[0], step)]);
        participant.submit(&format!("/enkat/{link}"), &post).await;
    }
    let org = lead.actor.organisation_id;
    let by_hand_wave: (i64, i64) = app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT s.id, s.initiative_id FROM survey s JOIN survey_wave w ON w.survey_id = s.id
             WHERE w.id = $1",
        )
        .bind(by_hand)
        .fetch_one(pool)
        .await
        .unwrap()
    });
    let by_hand_survey = app::survey::repo::get(&app.db, org, by_hand_wave.0)
        .await
        .unwrap();
    let the_wave = app::survey::api::wave_of(&app.db, by_hand_wave.0, by_hand)
        .await
        .unwrap();
    let rows =
        app::survey::api::planned_transfer(&app.db, &by_hand_survey, &the_wave, Default::default())
            .await
            .unwrap();
    let at = tomorrow_night() - Duration::minutes(20);
    let after = after_values();
    app::survey::repo::transfer(
        &app.db,
        lead.actor,
        by_hand_wave.1,
        &the_wave,
        &rows,
        at,
        &after,
    )
    .await
    .unwrap();

    // Act
    let outcome = run_job(&app.db, tomorrow_night()).await;

    // Assert: the small wave is transferred (claimed, its note says why) but writes no value;
    // the one done by hand is left as the person left it.
    assert_eq!(outcome.transferred, 1);
    assert_eq!(outcome.values, 0);
    assert_eq!(outcome.by_hand, 1);
    assert!(values_of(&app.db, e1).await.is_empty());
    let notes: Vec<(Option<f64>, String)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT value, note FROM survey_transfer WHERE wave_id = $1")
            .bind(few)
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].0, None);
    assert!(notes[0].1.contains("färre än 5 svar"), "{}", notes[0].1);
    let by_hand_values = values_of(&app.db, e_by_hand).await;
    assert_eq!(by_hand_values.len(), 1);
    assert_eq!(
        by_hand_values[0].2,
        Some(lead.id),
        "still the person's value"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM survey_transfer WHERE at > (SELECT MIN(at) FROM survey_transfer)"
        )
        .await,
        1,
        "one transfer by hand, one by the job"
    );
    assert_eq!(run_job(&app.db, tomorrow_night()).await, Default::default());
}

/// Two instances (two pools on one database) run the job at the same moment: the wave is
/// transferred once, its value audited once.
async fn two_instances_transfer_once(app: TestApp, other: Db) {
    let (_, _, _, w, e1) = answered_wave(&app).await;
    let now = tomorrow_night();

    let (a, b) = tokio::join!(run_job(&app.db, now), run_job(&other, now));

    assert_eq!(a.transferred + b.transferred, 1, "{a:?} {b:?}");
    assert_eq!(values_of(&app.db, e1).await.len(), 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM survey_transfer").await,
        1,
        "wave {w} transferred once"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_event WHERE object_type = 'measure_value'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn two_instances_on_sqlite_transfer_a_closed_wave_once() {
    let app = spawn_app().await;
    let other = app.db.clone();
    two_instances_transfer_once(app, other).await;
}

#[tokio::test]
async fn two_instances_on_postgres_transfer_a_closed_wave_once() {
    let Some(url) = postgres_database().await else {
        return;
    };
    let app = spawn_app_with(Backend::Postgres(url.clone()), |_| {}).await;
    let other = Db::connect(&url, &Default::default()).await.unwrap();
    two_instances_transfer_once(app, other).await;
}

const BASE: &str = "https://utfall.exempel.se";

fn reminder_env() -> app::reminder::ReminderEnv {
    app::reminder::ReminderEnv {
        base_url: app::mail::BaseUrl(BASE.into()),
        rules: app::report::Rules::default(),
        time_zone: Stockholm,
        survey_low_response_percent: 50,
        half_year_due: Default::default(),
    }
}

/// A wave of `survey` closing in `closes` days with `codes` codes, of which `used` answered.
async fn code_wave(
    app: &TestApp,
    lead: &TestUser,
    survey: (i64, i64),
    closes: i64,
    codes: usize,
    used: usize,
) -> i64 {
    let (sid, question) = survey;
    let w = wave(app, lead, sid, -3, closes).await;
    for n in 0..codes {
        let code = token(app, lead, w, true).await;
        if n < used {
            let participant = app.with_new_client();
            let submission = submission_id(&participant, &code).await;
            let post = answers(&code, w, &submission, &[(question, "4")]);
            let response = participant.submit(&format!("/enkat/{code}"), &post).await;
            assert_eq!(response.status(), 303);
        }
    }
    w
}

/// (key, recipient, subject, text) of the queued low-response reminders.
async fn low_response_mails(db: &Db) -> Vec<(String, String, String, String)> {
    app::db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT idempotency_key, recipient_address, subject, body_text FROM outbox_message
             WHERE kind = $1 ORDER BY id",
        )
        .bind(app::reminder::SURVEY_LOW_RESPONSE)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

#[tokio::test]
async fn a_code_wave_closing_soon_with_few_answers_reminds_its_projektledare_once() {
    // Arrange: a code wave closing in two days with 1 of 4 codes used (25 %); one with both
    // codes used; one closing in ten days with none used; an open-link wave with no codes.
    let app = crate::outbox::quiet_app(Backend::Sqlite).await;
    let lead = UserBuilder::with_role(Role::ProjectLead)
        .named("Åsa Lind")
        .create(&app)
        .await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let low = code_wave(&app, &lead, (sid, q[0]), 2, 4, 1).await;
    code_wave(&app, &lead, (sid, q[0]), 2, 2, 2).await;
    code_wave(&app, &lead, (sid, q[0]), 10, 2, 0).await;
    wave(&app, &lead, sid, -3, 1).await;

    // Act: the job runs twice in the morning (as on two ticks).
    let now = Utc::now();
    let first = app::reminder::jobs::survey_low_response(&app.db, &reminder_env(), now)
        .await
        .unwrap();
    let again = app::reminder::jobs::survey_low_response(&app.db, &reminder_env(), now)
        .await
        .unwrap();

    // Assert: one Swedish mail about the low wave, to the lead who wants it, with its link.
    assert_eq!((first, again), (1, 0));
    let mails = low_response_mails(&app.db).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (key, to, subject, text) = &mails[0];
    assert_eq!(key, &format!("enkat-svarsfrekvens:{low}:{}", lead.id));
    assert_eq!(to, &lead.email);
    assert!(
        subject.starts_with("Låg svarsfrekvens: Före i ”Trygghet” stänger"),
        "{subject}"
    );
    assert!(text.starts_with("Hej Åsa Lind!"), "{text}");
    assert!(
        text.contains("1 av 4 koder använts (25 %), färre än 50 %"),
        "{text}"
    );
    assert!(text.contains(&format!(
        "{BASE}/satsningar/{}/enkater/{sid}",
        initiative.id
    )));
    assert!(
        text.contains(&format!("{BASE}/profil")),
        "how to turn it off"
    );
    assert!(text.contains("eftersom du är projektledare"), "why");
    // Once the lead turns the type off under Mina inställningar, a new low wave sends nothing.
    app::reminder::repo::set_types_off(
        &app.db,
        lead.actor,
        &[app::reminder::SURVEY_LOW_RESPONSE.to_string()],
        now,
    )
    .await
    .unwrap();
    code_wave(&app, &lead, (sid, q[0]), 1, 2, 0).await;
    let after_opt_out = app::reminder::jobs::survey_low_response(&app.db, &reminder_env(), now)
        .await
        .unwrap();
    assert_eq!(after_opt_out, 0);
}

#[tokio::test]
async fn a_low_response_reminder_reaches_the_smtp_sink_with_its_link() {
    let Some(url) = crate::helpers::service("UTFALL_TEST_SMTP_URL", "SMTP-mottagaren") else {
        return;
    };
    let maildir = crate::helpers::service("UTFALL_TEST_MAILDIR", "Maildir").unwrap();
    let app = crate::outbox::quiet_app(Backend::Sqlite).await;
    let lead = UserBuilder::with_role(Role::ProjectLead)
        .named("Örjan Ärlig")
        .create(&app)
        .await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    code_wave(&app, &lead, (sid, q[0]), 3, 3, 0).await;
    let now = Utc::now();
    app::reminder::jobs::survey_low_response(&app.db, &reminder_env(), now)
        .await
        .unwrap();

    let mailer = app::mail::Mailer::smtp(&url, "Utfall <utfall@exempel.se>").unwrap();
    let drained = server::outbox::drain_once(&app.db, &mailer, now)
        .await
        .unwrap();

    assert_eq!(drained.sent, 1);
    let raw = crate::mail::wait_for_mail(std::path::Path::new(&maildir), &lead.email).await;
    let parsed = mailparse::parse_mail(&raw).unwrap();
    let subject = parsed
        .headers
        .iter()
        .find(|h| h.get_key() == "Subject")
        .unwrap()
        .get_value();
    assert!(
        subject.starts_with("Låg svarsfrekvens: Före i ”Trygghet” stänger"),
        "{subject}"
    );
    let bodies: Vec<String> = parsed
        .subparts
        .iter()
        .map(|p| p.get_body().unwrap())
        .collect();
    let link = format!("{BASE}/satsningar/{}/enkater/{sid}", initiative.id);
    assert!(
        bodies[0].contains("Hej Örjan Ärlig!") && bodies[0].contains("0 av 3 koder"),
        "{}",
        bodies[0]
    );
    assert!(bodies[0].contains(&link), "{}", bodies[0]);
    assert!(
        bodies[1].contains(&format!("href=\"{link}\"")),
        "{}",
        bodies[1]
    );
}
