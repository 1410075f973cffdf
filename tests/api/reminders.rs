//! Reminder types and the scheduler: the right people get the right Swedish mail with links
//! at the base URL, once per key, only when something is missing; opted-out and deactivated
//! users get nothing; ticks on DST edges, after downtime and on two instances run once.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use app::auth::Role;
use app::db::Db;
use app::initiative::Status;
use app::mail::{BaseUrl, Mailer};
use app::reminder::{
    FLAG_EXPLAINED, FOLLOW_UP_DUE, HALF_YEAR_REPORT, MONTHLY_REPORTING, ReminderEnv, WEEKLY_DIGEST,
};
use app::report::Period;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use server::scheduler::{Job, JobFn, parse_schedule, tick};

use crate::builders::{InitiativeBuilder, TestUser, UserBuilder};
use crate::helpers::{Backend, TestApp, postgres_database, rand_suffix};
use crate::mail::wait_for_mail;
use crate::outbox::{mails_containing, quiet_app, test_organisation};

const BASE: &str = "https://utfall.exempel.se";

fn env() -> ReminderEnv {
    ReminderEnv {
        base_url: BaseUrl(BASE.into()),
        rules: app::report::Rules::default(), // due the 10th, locked after the 20th
        time_zone: Stockholm,
        survey_low_response_percent: 50,
        half_year_due: Default::default(),
    }
}

/// `h:m` Stockholm time on `y-m-d`, as UTC.
fn stockholm(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Stockholm
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// A satsning reporting through 2027, led by `lead`.
async fn reporting_initiative(app: &TestApp, name: &str, lead: &TestUser) -> i64 {
    InitiativeBuilder::named(name)
        .status(Status::Running)
        .period("2026-01-01", "2027-12-31")
        .led_by(lead)
        .create(app)
        .await
        .id
}

/// Marks `period` of satsning `id` as inrapporterad at `at`.
async fn mark_reported(app: &TestApp, by: &TestUser, id: i64, period: Period, at: DateTime<Utc>) {
    let month = app::report::repo::MonthSave {
        period,
        entries: &[],
        reason: None,
        submit: true,
    };
    app::report::repo::save(
        &app.db,
        by.actor,
        id,
        month,
        at,
        &app::report::AfterValues::none(),
    )
    .await
    .unwrap();
}

/// (key, recipient, subject, text) of the queued mails of `kind`.
async fn queued(db: &Db, kind: &str) -> Vec<(String, String, String, String)> {
    app::db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT idempotency_key, recipient_address, subject, body_text FROM outbox_message
             WHERE kind = $1 ORDER BY id",
        )
        .bind(kind)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

fn november() -> Period {
    Period::new(2026, 11).unwrap()
}

#[tokio::test]
async fn project_leads_are_reminded_of_a_missing_month_once_and_when_it_is_late() {
    let app = quiet_app(Backend::Sqlite).await;
    let lead = UserBuilder::with_role(Role::ProjectLead)
        .named("Åsa Lind")
        .create(&app)
        .await;
    let done_lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let missing = reporting_initiative(&app, "Läxhjälp i Vivalla", &lead).await;
    let reported = reporting_initiative(&app, "Skolfam", &done_lead).await;
    mark_reported(
        &app,
        &done_lead,
        reported,
        november(),
        stockholm(2026, 12, 1, 9, 0),
    )
    .await;

    // Act: 6 December (four days before the due date): nothing yet.
    let early =
        app::reminder::jobs::monthly_reporting(&app.db, &env(), stockholm(2026, 12, 6, 8, 0))
            .await
            .unwrap();
    assert_eq!(early, 0);
    // 8 December at 08:00: due in two days. The job runs twice (as on two instances).
    let now = stockholm(2026, 12, 8, 8, 0);
    let first = app::reminder::jobs::monthly_reporting(&app.db, &env(), now)
        .await
        .unwrap();
    let again = app::reminder::jobs::monthly_reporting(&app.db, &env(), now)
        .await
        .unwrap();

    // Assert: one mail, to the lead of the satsning with the missing month only.
    assert_eq!((first, again), (1, 0));
    let mails = queued(&app.db, MONTHLY_REPORTING).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (key, to, subject, text) = &mails[0];
    assert_eq!(
        key,
        &format!("manad-paminnelse:{missing}:2026-11:{}", lead.id)
    );
    assert_eq!(to, &lead.email);
    assert_eq!(
        subject,
        "Påminnelse: rapportera november 2026 för Läxhjälp i Vivalla"
    );
    assert!(text.starts_with("Hej Åsa Lind!"), "{text}");
    assert!(text.contains(&format!("{BASE}/satsningar/{missing}/rapportera/2026-11")));
    assert!(text.contains("senast 10 december 2026"));
    assert!(
        text.contains(&format!("{BASE}/profil")),
        "how to turn it off"
    );
    assert!(text.contains("eftersom du är projektledare"), "why");

    // 11 December: late, a second mail with its own key; 21 December: locked, nothing.
    let late =
        app::reminder::jobs::monthly_reporting(&app.db, &env(), stockholm(2026, 12, 11, 8, 0))
            .await
            .unwrap();
    assert_eq!(late, 1);
    let mails = queued(&app.db, MONTHLY_REPORTING).await;
    assert_eq!(
        mails[1].0,
        format!("manad-forsenad:{missing}:2026-11:{}", lead.id)
    );
    assert!(mails[1].2.starts_with("Försenad: november 2026"));
    let locked =
        app::reminder::jobs::monthly_reporting(&app.db, &env(), stockholm(2026, 12, 21, 8, 0))
            .await
            .unwrap();
    assert_eq!(locked, 0);
}

#[tokio::test]
async fn opted_out_and_deactivated_users_get_nothing() {
    let app = quiet_app(Backend::Sqlite).await;
    let (admin, _) = UserBuilder::with_role(Role::Admin).login(&app).await;
    let (quiet, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let gone = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    reporting_initiative(&app, "Brobyggare", &quiet).await;
    reporting_initiative(&app, "Team Oxhagen", &gone).await;

    // Act: one turns monthly reminders off on Mina inställningar (a plain form post)...
    let mut on = std::collections::BTreeMap::new();
    on.insert(WEEKLY_DIGEST.to_string(), "ja".to_string());
    let form = app::reminder::api::SaveReminderSettings {
        settings: app::reminder::SettingsForm {
            sent: "ja".into(),
            on,
        },
    };
    let response = browser.submit("/profil", &form).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/profil?sparad=1");
    // A mail for the other was queued before their account is deactivated.
    let before_key = format!("test-inaktiverad:{}", gone.id);
    let mut before = crate::outbox::mail(
        admin.actor.organisation_id,
        &before_key,
        &gone.email,
        "Gone",
        "Påminnelse",
    );
    before.recipient_user_id = Some(gone.id);
    crate::outbox::enqueue(&app.db, &[before], Utc::now()).await;
    // ...and the admin deactivates the other.
    let input = app::auth::UserInput {
        name: "Test Projektledare".into(),
        email: gone.email.clone(),
        roles: vec![Role::ProjectLead],
    };
    app::auth::repo::update_user(&app.db, admin.actor, gone.id, &input, false, Utc::now())
        .await
        .unwrap();
    let queued_now =
        app::reminder::jobs::monthly_reporting(&app.db, &env(), stockholm(2026, 12, 11, 8, 0))
            .await
            .unwrap();

    let folder = tempfile::tempdir().unwrap();
    let mailer = app::mail::Mailer::folder(folder.path(), "Utfall <utfall@exempel.se>").unwrap();
    let drained = server::outbox::drain_once(&app.db, &mailer, Utc::now())
        .await
        .unwrap();

    // Assert
    assert_eq!(queued_now, 0);
    assert!(queued(&app.db, MONTHLY_REPORTING).await.is_empty());
    assert_eq!(
        drained.sent, 0,
        "the mail queued before deactivation is not sent"
    );
    assert_eq!(
        crate::outbox::row(&app.db, &before_key).await.0,
        app::outbox::Status::Failed
    );
    assert!(crate::outbox::mails_containing(folder.path(), &gone.email).is_empty());
    let page = browser.get("/profil").await.text().await.unwrap();
    assert!(page.contains("Påminnelse om månadsrapportering"));
    // The admin sees everyone's settings on Utskick.
    let admin_browser = app.with_new_client();
    admin_browser
        .login(&admin.email, crate::builders::PASSWORD)
        .await;
    let utskick = admin_browser.get("/utskick").await;
    assert_eq!(utskick.status(), 200);
    let html = scraper::Html::parse_document(&utskick.text().await.unwrap());
    let row = scraper::Selector::parse("tr").unwrap();
    let quiet_row = html
        .select(&row)
        .map(|r| r.text().collect::<String>())
        .find(|t| t.contains(&quiet.email))
        .expect("a row for the user");
    assert!(quiet_row.contains("Av"), "{quiet_row}");
    // The deactivated user's rows: the settings row says so (the mail queued before is listed
    // too, as not sent).
    let gone_rows: Vec<String> = html
        .select(&row)
        .map(|r| r.text().collect::<String>())
        .filter(|t| t.contains(&gone.email))
        .collect();
    assert!(
        gone_rows.iter().any(|r| r.contains("Inaktiverat")),
        "{gone_rows:?}"
    );
}

#[tokio::test]
async fn the_weekly_digest_goes_to_the_beredningsgrupp_and_not_when_nothing_happened() {
    let app = quiet_app(Backend::Sqlite).await;
    let reviewer = UserBuilder::with_role(Role::Review)
        .named("Bertil Öst")
        .create(&app)
        .await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let monday = stockholm(2026, 12, 14, 7, 0);

    // Nothing has happened: no mail.
    let none = app::reminder::jobs::weekly_digest(&app.db, &env(), monday)
        .await
        .unwrap();
    assert_eq!(none, 0);

    // Act: a satsning whose November is late on Monday 14 December; another reported on time.
    let late = reporting_initiative(&app, "Seniorpuls", &lead).await;
    let on_time = reporting_initiative(&app, "El Sistema", &lead).await;
    mark_reported(
        &app,
        &lead,
        on_time,
        november(),
        monday - TimeDelta::days(6),
    )
    .await;
    let sent = app::reminder::jobs::weekly_digest(&app.db, &env(), monday)
        .await
        .unwrap();
    let again = app::reminder::jobs::weekly_digest(&app.db, &env(), monday + TimeDelta::hours(1))
        .await
        .unwrap();

    // Assert: one mail for the week, to the reviewer only, with both sections and links.
    assert_eq!((sent, again), (1, 0));
    let mails = queued(&app.db, WEEKLY_DIGEST).await;
    assert_eq!(mails.len(), 1);
    let (key, to, subject, text) = &mails[0];
    assert!(key.starts_with("veckobrev:") && key.ends_with(&format!(":2026-V51:{}", reviewer.id)));
    assert_eq!(to, &reviewer.email);
    assert_eq!(subject, "Veckobrev från Utfall, vecka 51");
    assert!(text.contains("Försenade månader"), "{text}");
    assert!(
        text.contains("Seniorpuls: november 2026 inte inrapporterad"),
        "{text}"
    );
    assert!(text.contains(&format!("{BASE}/satsningar/{late}/rapportera")));
    assert!(
        text.contains("El Sistema: november 2026 inrapporterad"),
        "{text}"
    );
    assert!(text.contains("beredningsgruppen"));
}

#[tokio::test]
async fn an_explained_flag_is_announced_to_the_beredningsgrupp_once_and_the_digest_lists_it() {
    let app = quiet_app(Backend::Sqlite).await;
    let reviewer = UserBuilder::with_role(Role::Review)
        .named("Bertil Öst")
        .create(&app)
        .await;
    let (initiative, lead) = crate::deviations::flagged_satsning(&app).await;
    let flag = crate::deviations::flags(&app, initiative.id).await[0].0;
    let now = Utc::now();
    // Nothing explained yet: no notice.
    let before = app::reminder::jobs::flag_explained(&app.db, &env(), now)
        .await
        .unwrap();

    // Act: the projektledare explains the flag; the job runs, and runs again.
    let explanation = app::deviation::Explanation {
        explanation: "Två coacher var sjukskrivna i <oktober>.".into(),
        planned_action: "Vikarie från november.".into(),
    };
    app::deviation::repo::explain(&app.db, lead.actor, flag, &explanation, now)
        .await
        .unwrap();
    let later = now + TimeDelta::minutes(5);
    let sent = app::reminder::jobs::flag_explained(&app.db, &env(), later)
        .await
        .unwrap();
    let again = app::reminder::jobs::flag_explained(&app.db, &env(), later + TimeDelta::minutes(5))
        .await
        .unwrap();
    let digest = app::reminder::jobs::weekly_digest(&app.db, &env(), later)
        .await
        .unwrap();

    // Assert: one notice, to the reviewer, quoting the explanation and linking to the flag.
    assert_eq!((before, sent, again), (0, 1, 0));
    let notices = queued(&app.db, FLAG_EXPLAINED).await;
    assert_eq!(notices.len(), 1);
    let (key, to, subject, text) = &notices[0];
    assert!(key.starts_with("avvikelse-forklarad:") && key.ends_with(&format!(":{}", reviewer.id)));
    assert_eq!(to, &reviewer.email);
    assert!(subject.starts_with("Avvikelse förklarad: "), "{subject}");
    assert!(subject.ends_with(" i Avvikelsetest"), "{subject}");
    assert!(
        text.contains("Två coacher var sjukskrivna i <oktober>."),
        "{text}"
    );
    assert!(
        text.contains("Planerad åtgärd: Vikarie från november."),
        "{text}"
    );
    assert!(
        text.contains(&format!("{BASE}/avvikelser/{flag}")),
        "{text}"
    );
    // The week's digest lists the flag, explained, with its link.
    assert_eq!(digest, 1);
    let (_, _, _, text) = &queued(&app.db, WEEKLY_DIGEST).await[0];
    assert!(text.contains("Nya och ändrade avvikelser"), "{text}");
    assert!(text.contains("Avvikelsetest: "), "{text}");
    assert!(text.contains("förklarad)"), "{text}");
    assert!(
        text.contains(&format!("{BASE}/avvikelser/{flag}")),
        "{text}"
    );
}

#[tokio::test]
async fn a_reminder_reaches_the_smtp_sink_with_its_links_at_the_base_url() {
    let Some(url) = crate::helpers::service("UTFALL_TEST_SMTP_URL", "SMTP-mottagaren") else {
        return;
    };
    let maildir = crate::helpers::service("UTFALL_TEST_MAILDIR", "Maildir").unwrap();
    let app = quiet_app(Backend::Sqlite).await;
    let lead = UserBuilder::with_role(Role::ProjectLead)
        .named("Örjan Ärlig")
        .create(&app)
        .await;
    let id =
        reporting_initiative(&app, &format!("Utomhuspedagogik {}", rand_suffix()), &lead).await;
    let now = stockholm(2026, 12, 9, 8, 0);
    app::reminder::jobs::monthly_reporting(&app.db, &env(), now)
        .await
        .unwrap();

    let (subject, bodies) = deliver(&app, &url, &maildir, &lead.email, now).await;
    assert!(subject.starts_with("Påminnelse: rapportera november 2026 för Utomhuspedagogik"));
    let link = format!("{BASE}/satsningar/{id}/rapportera/2026-11");
    assert!(
        bodies[0].contains("Hej Örjan Ärlig!") && bodies[0].contains(&link),
        "{}",
        bodies[0]
    );
    assert!(
        bodies[1].contains(&format!("href=\"{link}\"")),
        "{}",
        bodies[1]
    );
}

/// Sends what the outbox holds to the SMTP sink at `url` and reads the one mail `to` got
/// from `maildir`: its decoded subject and its bodies (plain text, HTML).
async fn deliver(
    app: &TestApp,
    url: &str,
    maildir: &str,
    to: &str,
    now: DateTime<Utc>,
) -> (String, Vec<String>) {
    let mailer = Mailer::smtp(url, "Utfall <utfall@exempel.se>").unwrap();
    let drained = server::outbox::drain_once(&app.db, &mailer, now)
        .await
        .unwrap();
    assert_eq!(drained.sent, 1);
    let raw = wait_for_mail(Path::new(maildir), to).await;
    assert_eq!(mails_containing(Path::new(maildir), to).len(), 1);
    let parsed = mailparse::parse_mail(&raw).unwrap();
    let subject = parsed
        .headers
        .iter()
        .find(|h| h.get_key() == "Subject")
        .unwrap()
        .get_value();
    let bodies = parsed
        .subparts
        .iter()
        .map(|p| p.get_body().unwrap())
        .collect();
    (subject, bodies)
}

#[tokio::test]
async fn half_year_reports_are_reminded_of_at_30_14_and_7_days_and_when_late() {
    let app = quiet_app(Backend::Sqlite).await;
    let reviewer = UserBuilder::with_role(Role::Review).create(&app).await;
    let (lead, _) = UserBuilder::with_role(Role::ProjectLead)
        .named("Åsa Lind")
        .login(&app)
        .await;
    let (done_lead, done_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let missing = reporting_initiative(&app, "Läxhjälp i Vivalla", &lead).await;
    let done = reporting_initiative(&app, "Skolfam", &done_lead).await;
    // Skolfam's report for July–December 2026 (due 28 February 2027) is in.
    crate::halfyear::write_and_submit(&done_browser, done, "2026-H2").await;
    let settings = env();
    let run = |now| app::reminder::jobs::half_year_report(&app.db, &settings, now);

    // 28 January 2027, 31 days before: nothing (and the report for January–June 2026, due
    // 31 August, is long past the overdue mail: the flag carries it).
    assert_eq!(run(stockholm(2027, 1, 28, 8, 15)).await.unwrap(), 0);
    // Act: 29 January, 30 days before; the job runs twice (as on two instances).
    let now = stockholm(2027, 1, 29, 8, 15);
    let (first, again) = (run(now).await.unwrap(), run(now).await.unwrap());

    // Assert: one mail, to the lead of the satsning whose report is missing.
    assert_eq!((first, again), (1, 0));
    let mails = queued(&app.db, HALF_YEAR_REPORT).await;
    let (key, to, subject, text) = &mails[0];
    assert_eq!(
        key,
        &format!("rapport-paminnelse:{missing}:2026-H2:30d:{}", lead.id)
    );
    assert_eq!(to, &lead.email);
    assert_eq!(
        subject,
        "Påminnelse: halvårsredovisningen för Läxhjälp i Vivalla ska in om 30 dagar"
    );
    assert!(text.starts_with("Hej Åsa Lind!"), "{text}");
    assert!(text.contains("juli–december 2026"), "{text}");
    assert!(text.contains("senast 28 februari 2027"), "{text}");
    assert!(text.contains("Status just nu: inte påbörjad."), "{text}");
    assert!(text.contains(&format!("{BASE}/satsningar/{missing}/halvar/2026-H2")));
    assert!(
        text.contains(&format!("{BASE}/profil")),
        "how to turn it off"
    );

    // 14 and 7 days before, and late: one mail each, then nothing more.
    for (day, stage) in [((2, 14), "14d"), ((2, 21), "7d"), ((3, 1), "forsenad")] {
        let sent = run(stockholm(2027, day.0, day.1, 8, 15)).await.unwrap();
        assert_eq!(sent, 1, "{stage}");
        let (key, _, _, _) = queued(&app.db, HALF_YEAR_REPORT).await.pop().unwrap();
        assert_eq!(
            key,
            format!("rapport-paminnelse:{missing}:2026-H2:{stage}:{}", lead.id)
        );
    }
    let (_, _, subject, _) = queued(&app.db, HALF_YEAR_REPORT).await.pop().unwrap();
    assert_eq!(
        subject,
        "Försenad: halvårsredovisningen för Läxhjälp i Vivalla är inte inskickad"
    );
    assert_eq!(run(stockholm(2027, 3, 2, 8, 15)).await.unwrap(), 0);
    assert_eq!(queued(&app.db, HALF_YEAR_REPORT).await.len(), 4);

    // The beredningsgrupp's digest on Monday 1 March lists the late report; the one
    // submitted this week (Skolfam's, just now) in this week's digest.
    app::reminder::jobs::weekly_digest(&app.db, &env(), stockholm(2027, 3, 1, 7, 0))
        .await
        .unwrap();
    app::reminder::jobs::weekly_digest(&app.db, &env(), Utc::now())
        .await
        .unwrap();
    let digests = queued(&app.db, WEEKLY_DIGEST).await;
    assert!(digests.iter().all(|d| d.1 == reviewer.email));
    let late = &digests[0].3;
    assert!(late.contains("Försenade halvårsredovisningar"), "{late}");
    assert!(
        late.contains("Läxhjälp i Vivalla: juli–december 2026 (1 dag efter sista dag"),
        "{late}"
    );
    assert!(late.contains(&format!("{BASE}/satsningar/{missing}/halvar/2026-H2")));
    let this_week = &digests.last().unwrap().3;
    assert!(
        this_week.contains("Skolfam: halvårsredovisningen för juli–december 2026 inskickad"),
        "{this_week}"
    );
}

#[tokio::test]
async fn a_half_year_reminder_reaches_the_smtp_sink() {
    let Some(url) = crate::helpers::service("UTFALL_TEST_SMTP_URL", "SMTP-mottagaren") else {
        return;
    };
    let maildir = crate::helpers::service("UTFALL_TEST_MAILDIR", "Maildir").unwrap();
    let app = quiet_app(Backend::Sqlite).await;
    let lead = UserBuilder::with_role(Role::ProjectLead)
        .named("Örjan Ärlig")
        .create(&app)
        .await;
    let name = format!("Brobyggare {}", rand_suffix());
    let id = reporting_initiative(&app, &name, &lead).await;
    let now = stockholm(2027, 2, 21, 8, 15);
    app::reminder::jobs::half_year_report(&app.db, &env(), now)
        .await
        .unwrap();

    let (subject, bodies) = deliver(&app, &url, &maildir, &lead.email, now).await;

    assert_eq!(
        subject,
        format!("Påminnelse: halvårsredovisningen för {name} ska in om 7 dagar")
    );
    let link = format!("{BASE}/satsningar/{id}/halvar/2026-H2");
    assert!(bodies[0].contains("Hej Örjan Ärlig!") && bodies[0].contains(&link));
    assert!(
        bodies[1].contains(&format!("href=\"{link}\"")),
        "{}",
        bodies[1]
    );
}

#[tokio::test]
async fn a_follow_up_is_reminded_of_to_its_lead_and_the_utvarderingsteam_until_it_is_in() {
    let app = quiet_app(Backend::Sqlite).await;
    let (lead, _) = UserBuilder::with_role(Role::ProjectLead)
        .named("Åsa Lind")
        .login(&app)
        .await;
    let evaluator = UserBuilder::with_role(Role::Evaluator)
        .named("Ebba Utvärderare")
        .create(&app)
        .await;
    let (done_lead, done_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    // Both ended 30 June 2024, followed up after one year: due 30 June 2025.
    let (missing, _) = crate::follow_up::ended(&app, &lead, "Läxhjälp efteråt").await;
    let (done, activity) = crate::follow_up::ended(&app, &done_lead, "Skolfam efteråt").await;
    let at = crate::follow_up::page(done.id);
    let complete = crate::follow_up::complete(&done, activity, "Klart");
    assert_eq!(done_browser.submit(&at, &complete).await.status(), 303);
    let sent = app::halfyear::follow_up_api::SubmitFollowUp { id: done.id };
    assert_eq!(done_browser.submit(&at, &sent).await.status(), 303);
    // A running satsning has no follow-up yet.
    reporting_initiative(&app, "Pågår fortfarande", &lead).await;
    let settings = env();
    let run = |now| app::reminder::jobs::follow_up_due(&app.db, &settings, now);

    // 31 days before: nothing. Act: 30 days before, the job runs twice.
    assert_eq!(run(stockholm(2025, 5, 30, 8, 20)).await.unwrap(), 0);
    let now = stockholm(2025, 5, 31, 8, 20);
    let (first, again) = (run(now).await.unwrap(), run(now).await.unwrap());

    // Assert: one mail each to the lead and the utvärderare, of the one not yet in.
    assert_eq!((first, again), (2, 0));
    let mails = queued(&app.db, FOLLOW_UP_DUE).await;
    let mut keys: Vec<&str> = mails.iter().map(|m| m.0.as_str()).collect();
    keys.sort();
    let mut expected = vec![
        format!("uppfoljning-paminnelse:{}:30d:{}", missing.id, lead.id),
        format!("uppfoljning-paminnelse:{}:30d:{}", missing.id, evaluator.id),
    ];
    expected.sort();
    assert_eq!(keys, expected);
    let (_, _, subject, text) = mails.iter().find(|m| m.1 == lead.email).unwrap();
    assert_eq!(
        subject,
        "Påminnelse: den uppföljande utvärderingen av Läxhjälp efteråt ska in om 30 dagar"
    );
    assert!(text.starts_with("Hej Åsa Lind!"), "{text}");
    assert!(text.contains("senast 30 juni 2025"), "{text}");
    assert!(text.contains("Status just nu: inte påbörjad."), "{text}");
    assert!(text.contains(&format!("{BASE}/satsningar/{}/uppfoljning", missing.id)));
    assert!(
        text.contains(&format!("{BASE}/profil")),
        "how to turn it off"
    );
    assert!(mails.iter().any(|m| m.1 == evaluator.email));

    // Late, once: the overdue mail, then nothing more.
    assert_eq!(run(stockholm(2025, 7, 1, 8, 20)).await.unwrap(), 2);
    let (_, _, subject, _) = queued(&app.db, FOLLOW_UP_DUE).await.pop().unwrap();
    assert_eq!(
        subject,
        "Försenad: den uppföljande utvärderingen av Läxhjälp efteråt är inte inskickad"
    );
    assert_eq!(run(stockholm(2025, 7, 2, 8, 20)).await.unwrap(), 0);
}

#[tokio::test]
async fn a_follow_up_reminder_reaches_the_smtp_sink() {
    let Some(url) = crate::helpers::service("UTFALL_TEST_SMTP_URL", "SMTP-mottagaren") else {
        return;
    };
    let maildir = crate::helpers::service("UTFALL_TEST_MAILDIR", "Maildir").unwrap();
    let app = quiet_app(Backend::Sqlite).await;
    let lead = UserBuilder::with_role(Role::ProjectLead)
        .named("Örjan Ärlig")
        .create(&app)
        .await;
    let name = format!("Efteråt {}", rand_suffix());
    let (initiative, _) = crate::follow_up::ended(&app, &lead, &name).await;
    let now = stockholm(2025, 6, 23, 8, 20);
    app::reminder::jobs::follow_up_due(&app.db, &env(), now)
        .await
        .unwrap();

    let (subject, bodies) = deliver(&app, &url, &maildir, &lead.email, now).await;

    assert_eq!(
        subject,
        format!("Påminnelse: den uppföljande utvärderingen av {name} ska in om 7 dagar")
    );
    let link = format!("{BASE}/satsningar/{}/uppfoljning", initiative.id);
    assert!(bodies[0].contains("Hej Örjan Ärlig!") && bodies[0].contains(&link));
    assert!(
        bodies[1].contains(&format!("href=\"{link}\"")),
        "{}",
        bodies[1]
    );
}

/// A job that counts its runs.
fn counting_job(schedule: &str) -> (Job, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let run: JobFn = Arc::new(move |_db, _now| {
        let counter = counter.clone();
        Box::pin(async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(0)
        })
    });
    let job = Job {
        name: "test_job",
        schedule: parse_schedule(schedule).unwrap().unwrap(),
        run,
    };
    (job, runs)
}

async fn fresh_db() -> (Db, tempfile::TempDir) {
    let temp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/utfall.db?mode=rwc", temp.path().display());
    let db = Db::connect(&url, &Default::default()).await.unwrap();
    test_organisation(&db).await;
    (db, temp)
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

#[tokio::test]
async fn a_tick_in_the_skipped_spring_hour_runs_once() {
    let (db, _temp) = fresh_db().await;
    let (job, runs) = counting_job("0 30 2 * * *");
    let jobs = [job];
    let count = |at| {
        let (db, jobs) = (&db, &jobs);
        async move { tick(db, jobs, Stockholm, at).await.unwrap().len() }
    };
    // First sight on Saturday: a starting point, no run.
    assert_eq!(count(utc(2026, 3, 28, 12, 0)).await, 0);
    // Sunday 29 March 2026, 01:59 CET: not yet. At 01:00 UTC the clock jumps 02:00 → 03:00.
    assert_eq!(count(utc(2026, 3, 29, 0, 59)).await, 0);
    assert_eq!(count(utc(2026, 3, 29, 1, 0)).await, 1);
    assert_eq!(count(utc(2026, 3, 29, 1, 30)).await, 0);
    assert_eq!(count(utc(2026, 3, 29, 23, 0)).await, 0);
    // Monday 02:30 CEST as usual.
    assert_eq!(count(utc(2026, 3, 30, 0, 30)).await, 1);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_tick_in_the_repeated_autumn_hour_runs_once() {
    let (db, _temp) = fresh_db().await;
    let (job, runs) = counting_job("0 30 2 * * *");
    let jobs = [job];
    let ran = |at| {
        let (db, jobs) = (&db, &jobs);
        async move { tick(db, jobs, Stockholm, at).await.unwrap() }
    };
    assert!(ran(utc(2026, 10, 24, 12, 0)).await.is_empty());
    // Sunday 25 October 2026: 02:30 CEST (00:30 UTC), then again 02:30 CET (01:30 UTC).
    assert!(ran(utc(2026, 10, 25, 0, 29)).await.is_empty());
    assert_eq!(
        ran(utc(2026, 10, 25, 0, 31)).await,
        vec![("test_job", "2026-10-25T02:30:00".to_string())]
    );
    assert!(
        ran(utc(2026, 10, 25, 1, 31)).await.is_empty(),
        "the second 02:30"
    );
    assert!(ran(utc(2026, 10, 25, 12, 0)).await.is_empty());
    assert_eq!(ran(utc(2026, 10, 26, 1, 31)).await.len(), 1);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn ticks_missed_during_downtime_are_caught_up_once() {
    let (db, _temp) = fresh_db().await;
    let (job, runs) = counting_job("0 0 7 * * Mon");
    let jobs = [job];
    tick(&db, &jobs, Stockholm, stockholm(2026, 11, 2, 6, 0))
        .await
        .unwrap();
    // Down from before Monday 2 November 07:00 until Wednesday 25 November: four Mondays.
    let back = stockholm(2026, 11, 25, 12, 0);
    let ran = tick(&db, &jobs, Stockholm, back).await.unwrap();
    assert_eq!(ran, vec![("test_job", "2026-11-23T07:00:00".to_string())]);
    assert!(
        tick(&db, &jobs, Stockholm, back + TimeDelta::minutes(1))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

/// Two instances (own pools on one database) tick the same schedule at the same moment.
async fn two_instances_tick_once(url: &str) {
    let options = app::db::DbOptions { max_connections: 4 };
    let (one, two) = (
        Db::connect(url, &options).await.unwrap(),
        Db::connect(url, &options).await.unwrap(),
    );
    let (job, runs) = counting_job("0 0 7 * * Mon");
    let jobs = [job];
    tick(&one, &jobs, Stockholm, stockholm(2026, 12, 6, 12, 0))
        .await
        .unwrap();
    let monday = stockholm(2026, 12, 7, 7, 0);
    for round in 0..5 {
        let at = monday + TimeDelta::weeks(round);
        let (a, b) = tokio::join!(
            tick(&one, &jobs, Stockholm, at),
            tick(&two, &jobs, Stockholm, at)
        );
        assert_eq!(a.unwrap().len() + b.unwrap().len(), 1, "round {round}");
    }
    assert_eq!(runs.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn two_instances_on_sqlite_tick_once() {
    let temp = tempfile::tempdir().unwrap();
    two_instances_tick_once(&format!(
        "sqlite://{}/utfall.db?mode=rwc",
        temp.path().display()
    ))
    .await;
}

#[tokio::test]
async fn two_instances_on_postgres_tick_once() {
    let Some(url) = postgres_database().await else {
        return;
    };
    two_instances_tick_once(&url).await;
}

#[tokio::test]
async fn two_instances_on_postgres_running_the_digest_at_once_queue_one_mail() {
    let Some(url) = postgres_database().await else {
        return;
    };
    let app = quiet_app(Backend::Postgres(url.clone())).await;
    let reviewer = UserBuilder::with_role(Role::Review).create(&app).await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    reporting_initiative(&app, "Seniorpuls", &lead).await;
    let other = Db::connect(&url, &Default::default()).await.unwrap();
    let monday = stockholm(2026, 12, 14, 7, 0);
    let env = env();

    let (a, b) = tokio::join!(
        app::reminder::jobs::weekly_digest(&app.db, &env, monday),
        app::reminder::jobs::weekly_digest(&other, &env, monday)
    );

    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let mails = queued(&app.db, WEEKLY_DIGEST).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].1, reviewer.email);
}
