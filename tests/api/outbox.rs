//! The outbox: queued in the caller's transaction, sent by the worker through real SMTP (the
//! `make test` sink), retried with backoff while SMTP is down and delivered exactly once, one
//! mail per idempotency key, also with two instances draining at the same moment.

use std::path::Path;

use app::db::Db;
use app::mail::Mailer;
use app::outbox::{MAX_ATTEMPTS, NewMail, Status};
use chrono::{DateTime, TimeDelta, Utc};
use server::outbox::drain_once;

use crate::builders::{UserBuilder, organisation};
use crate::helpers::{
    Backend, TestApp, free_port, postgres_database, rand_suffix, service, spawn_app_with,
};
use crate::mail::wait_for_mail;

const FROM: &str = "Utfall <utfall@exempel.se>";

/// An app whose own worker and scheduler are off: the test drains with its own clock.
pub async fn quiet_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |c| c.background_jobs = false).await
}

pub fn mail(organisation_id: i64, key: &str, to: &str, name: &str, subject: &str) -> NewMail {
    NewMail {
        organisation_id,
        key: key.into(),
        kind: "weekly_digest".into(),
        recipient_user_id: None,
        recipient_name: name.into(),
        recipient_address: to.into(),
        subject: subject.into(),
        text: "Hej!\n\nMånadsrapporten för Skolfam väntar på dig.\n".into(),
        html: "<p>Månadsrapporten för <b>Skolfam</b> väntar på dig.</p>".into(),
    }
}

/// Queues `mails` in one transaction at `now`; how many were new.
pub async fn enqueue(db: &Db, mails: &[NewMail], now: DateTime<Utc>) -> usize {
    let mut tx = db.begin().await.unwrap();
    let mut new = 0;
    for m in mails {
        new += usize::from(app::outbox::repo::enqueue(&mut tx, m, now).await.unwrap());
    }
    tx.commit().await.unwrap();
    new
}

/// (status, attempts) of the row with `key`.
pub async fn row(db: &Db, key: &str) -> (Status, i64) {
    let (status, attempts): (String, i64) = app::db_read!(db, |pool| {
        sqlx::query_as("SELECT status, attempts FROM outbox_message WHERE idempotency_key = $1")
            .bind(key)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    (Status::from_db(&status).unwrap(), attempts)
}

/// Mails in a Maildir or plain folder whose raw text contains `needle`.
pub fn mails_containing(folder: &Path, needle: &str) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    for dir in [folder.join("new"), folder.join("cur"), folder.to_path_buf()] {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.path().is_file() {
                let raw = std::fs::read(entry.path()).unwrap_or_default();
                if String::from_utf8_lossy(&raw).contains(needle) {
                    found.push(raw);
                }
            }
        }
    }
    found
}

/// The real SMTP sink as (mailer, Maildir), or a mail folder when `make test` did not start
/// one (then the test still checks everything but the SMTP dialogue).
fn sink(folder: &Path) -> (Mailer, std::path::PathBuf) {
    match service("UTFALL_TEST_SMTP_URL", "SMTP-mottagaren") {
        Some(url) => (
            Mailer::smtp(&url, FROM).unwrap(),
            service("UTFALL_TEST_MAILDIR", "SMTP-mottagarens Maildir")
                .unwrap()
                .into(),
        ),
        None => (Mailer::folder(folder, FROM).unwrap(), folder.to_path_buf()),
    }
}

fn header(parsed: &mailparse::ParsedMail, name: &str) -> Option<String> {
    parsed
        .headers
        .iter()
        .find(|h| h.get_key().eq_ignore_ascii_case(name))
        .map(|h| h.get_value())
}

#[tokio::test]
async fn a_queued_mail_reaches_smtp_once_with_swedish_intact_and_a_stable_message_id() {
    let Some(url) = service("UTFALL_TEST_SMTP_URL", "SMTP-mottagaren") else {
        return;
    };
    let maildir = service("UTFALL_TEST_MAILDIR", "SMTP-mottagarens Maildir").unwrap();
    let app = quiet_app(Backend::Sqlite).await;
    let org = organisation(&app).await;
    let to = format!("ake-{}@exempel.se", rand_suffix());
    let key = format!("test:{}", rand_suffix());
    let now = Utc::now();

    // Act: the same key queued twice (as a job running twice would), then two passes.
    let m = mail(
        org,
        &key,
        &to,
        "Åke Öberg",
        "Påminnelse: rapportera för november 2026",
    );
    assert_eq!(enqueue(&app.db, std::slice::from_ref(&m), now).await, 1);
    assert_eq!(enqueue(&app.db, &[m], now).await, 0, "the key is taken");
    let mailer = Mailer::smtp(&url, FROM).unwrap();
    let first = drain_once(&app.db, &mailer, now).await.unwrap();
    let second = drain_once(&app.db, &mailer, now).await.unwrap();

    // Assert
    assert_eq!((first.sent, second.sent), (1, 0));
    assert_eq!(row(&app.db, &key).await, (Status::Sent, 1));
    let raw = wait_for_mail(Path::new(&maildir), &to).await;
    assert_eq!(mails_containing(Path::new(&maildir), &to).len(), 1);
    let text = String::from_utf8_lossy(&raw).to_string();
    assert!(
        text.contains("=?utf-8?"),
        "encoded words on the wire:\n{text}"
    );
    let parsed = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(
        header(&parsed, "Subject").unwrap(),
        "Påminnelse: rapportera för november 2026"
    );
    let to_header = header(&parsed, "To").unwrap();
    assert!(to_header.contains("Åke Öberg"), "{to_header}");
    assert_eq!(
        header(&parsed, "Message-ID").unwrap(),
        format!("<{}@exempel.se>", app::outbox::message_id(&key))
    );
    let parts: Vec<String> = parsed
        .subparts
        .iter()
        .map(|p| p.get_body().unwrap())
        .collect();
    assert!(
        parts
            .iter()
            .any(|b| b.contains("Månadsrapporten för Skolfam"))
    );
    assert!(parts.iter().any(|b| b.contains("<b>Skolfam</b>")));
}

#[tokio::test]
async fn line_breaks_in_names_and_subjects_cannot_add_headers() {
    let app = quiet_app(Backend::Sqlite).await;
    let org = organisation(&app).await;
    let folder = tempfile::tempdir().unwrap();
    let (mailer, inbox) = sink(folder.path());
    let to = format!("eva-{}@exempel.se", rand_suffix());
    let evil = format!("evil-{}@exempel.se", rand_suffix());
    let key = format!("test:{}", rand_suffix());
    let m = mail(
        org,
        &key,
        &to,
        &format!("Eva\r\nBcc: {evil}"),
        &format!("Hej\r\nBcc: {evil}\r\n\r\nFalsk text"),
    );
    enqueue(&app.db, &[m], Utc::now()).await;

    let drained = drain_once(&app.db, &mailer, Utc::now()).await.unwrap();

    assert_eq!(drained.sent, 1);
    let raw = wait_for_mail(&inbox, &to).await;
    let parsed = mailparse::parse_mail(&raw).unwrap();
    assert!(header(&parsed, "Bcc").is_none(), "no header of its own");
    let text = String::from_utf8_lossy(&raw).to_string();
    assert!(
        !text
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
        "{text}"
    );
    // The subject stays one header, on one line, with the text in it; the only recipient is
    // the one in To (lettre takes the envelope from it).
    assert_eq!(
        header(&parsed, "Subject").unwrap(),
        format!("Hej Bcc: {evil} Falsk text")
    );
    let to_header = parsed.headers.iter().find(|h| h.get_key() == "To").unwrap();
    let recipients = mailparse::addrparse_header(to_header).unwrap();
    assert_eq!(recipients.len(), 1, "{recipients:?}");
    match &recipients[0] {
        mailparse::MailAddr::Single(single) => {
            assert_eq!(single.addr, to);
            assert_eq!(
                single.display_name.as_deref(),
                Some(&*format!("Eva Bcc: {evil}"))
            );
        }
        group => panic!("one mailbox, not {group:?}"),
    }
    // Through SMTP the sink records the envelope: the one address, nobody else.
    if let Some(envelope) = header(&parsed, "X-RcptTo") {
        assert_eq!(envelope, to);
    }
}

#[tokio::test]
async fn while_smtp_is_down_mail_is_retried_with_backoff_and_then_delivered_exactly_once() {
    let app = quiet_app(Backend::Sqlite).await;
    let org = organisation(&app).await;
    let folder = tempfile::tempdir().unwrap();
    let down = Mailer::smtp(&format!("smtp://127.0.0.1:{}", free_port()), FROM).unwrap();
    let (up, inbox) = sink(folder.path());
    let to = format!("retry-{}@exempel.se", rand_suffix());
    let keys: Vec<String> = (0..3)
        .map(|n| format!("retry:{n}:{}", rand_suffix()))
        .collect();
    let t0 = Utc::now();
    let mails: Vec<NewMail> = keys
        .iter()
        .map(|k| mail(org, k, &to, "Bo Ek", "Veckobrev"))
        .collect();
    enqueue(&app.db, &mails, t0).await;

    // Act + Assert: down at once; nothing is due again before the 30 s backoff.
    let pass = drain_once(&app.db, &down, t0).await.unwrap();
    assert_eq!((pass.sent, pass.retrying), (0, 3));
    assert_eq!(row(&app.db, &keys[0]).await, (Status::Pending, 1));
    let early = drain_once(&app.db, &down, t0 + TimeDelta::seconds(29))
        .await
        .unwrap();
    assert_eq!(early.retrying, 0, "backoff respected");
    // Still down after 30 s; the next pause is a minute.
    let t1 = t0 + TimeDelta::seconds(30);
    assert_eq!(drain_once(&app.db, &down, t1).await.unwrap().retrying, 3);
    assert_eq!(row(&app.db, &keys[0]).await, (Status::Pending, 2));
    assert_eq!(
        drain_once(&app.db, &up, t1 + TimeDelta::seconds(59))
            .await
            .unwrap()
            .sent,
        0
    );
    // SMTP is back: each mail once, and never again.
    let t2 = t1 + TimeDelta::seconds(60);
    assert_eq!(drain_once(&app.db, &up, t2).await.unwrap().sent, 3);
    assert_eq!(
        drain_once(&app.db, &up, t2 + TimeDelta::hours(1))
            .await
            .unwrap()
            .sent,
        0
    );
    for key in &keys {
        assert_eq!(row(&app.db, key).await, (Status::Sent, 3));
    }
    wait_for_mail(&inbox, &to).await;
    assert_eq!(mails_containing(&inbox, &to).len(), 3);
}

#[tokio::test]
async fn a_mail_is_given_up_after_the_last_attempt_and_can_be_sent_again() {
    let app = quiet_app(Backend::Sqlite).await;
    let (admin, _) = UserBuilder::with_role(app::auth::Role::Admin)
        .login(&app)
        .await;
    let down = Mailer::smtp(&format!("smtp://127.0.0.1:{}", free_port()), FROM).unwrap();
    let key = format!("give-up:{}", rand_suffix());
    let mut now = Utc::now();
    enqueue(
        &app.db,
        &[mail(
            admin.actor.organisation_id,
            &key,
            "x@exempel.se",
            "X",
            "Ämne",
        )],
        now,
    )
    .await;

    for attempt in 1..=MAX_ATTEMPTS {
        let pass = drain_once(&app.db, &down, now).await.unwrap();
        assert_eq!(pass.retrying + pass.failed, 1, "attempt {attempt}");
        now += TimeDelta::hours(7);
    }
    assert_eq!(row(&app.db, &key).await, (Status::Failed, MAX_ATTEMPTS));
    assert_eq!(
        drain_once(&app.db, &down, now).await.unwrap(),
        Default::default()
    );

    // "Skicka igen" makes it due with fresh attempts.
    let id: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM outbox_message WHERE idempotency_key = $1")
            .bind(&key)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    app::reminder::repo::resend(&app.db, admin.actor, id, now)
        .await
        .unwrap();
    assert_eq!(row(&app.db, &key).await, (Status::Pending, 0));
}

/// An organisation made straight in `db` (for tests without a running app).
pub async fn test_organisation(db: &Db) -> i64 {
    let input =
        app::organisation::OrganisationInput::parse("9999", "Testkommun", "kommun").unwrap();
    app::organisation::repo::create(db, &input, Utc::now())
        .await
        .unwrap()
        .id
}

/// Two instances (two connection pools on one database) drain 40 mails at the same moment:
/// every mail is sent by exactly one of them.
async fn two_instances_send_each_mail_once(url: String) {
    let options = app::db::DbOptions { max_connections: 4 };
    let (one, two) = (
        Db::connect(&url, &options).await.unwrap(),
        Db::connect(&url, &options).await.unwrap(),
    );
    let org = test_organisation(&one).await;
    let (f1, f2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (m1, m2) = (
        Mailer::folder(f1.path(), FROM).unwrap(),
        Mailer::folder(f2.path(), FROM).unwrap(),
    );
    let tag = rand_suffix();
    let mails: Vec<NewMail> = (0..40)
        .map(|n| {
            mail(
                org,
                &format!("pair:{tag}:{n}"),
                &format!("n{n}-{tag}@exempel.se"),
                "N",
                "Ämne",
            )
        })
        .collect();
    let now = Utc::now();
    enqueue(&one, &mails, now).await;

    let (a, b) = tokio::join!(drain_once(&one, &m1, now), drain_once(&two, &m2, now));

    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 40, "{a:?} {b:?}");
    let sent = mails_containing(f1.path(), &tag).len() + mails_containing(f2.path(), &tag).len();
    assert_eq!(sent, 40, "one file per mail, none twice");
}

#[tokio::test]
async fn two_instances_on_sqlite_send_each_mail_once() {
    let temp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/utfall.db?mode=rwc", temp.path().display());
    two_instances_send_each_mail_once(url).await;
}

#[tokio::test]
async fn two_instances_on_postgres_send_each_mail_once() {
    let Some(url) = postgres_database().await else {
        return;
    };
    two_instances_send_each_mail_once(url).await;
}
