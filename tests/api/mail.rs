//! Mail transport: a real SMTP server on loopback (aiosmtpd from `make test`) and the folder.

use std::path::Path;
use std::time::Duration;

use app::mail::{Email, Mailer};

use crate::helpers::{rand_suffix, service};

/// Waits (bounded) for a message to `to` in a Maildir or a plain folder; returns its raw bytes.
pub async fn wait_for_mail(folder: &Path, to: &str) -> Vec<u8> {
    for _ in 0..100 {
        for dir in [folder.join("new"), folder.join("cur"), folder.to_path_buf()] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                if !entry.path().is_file() {
                    continue;
                }
                let raw = std::fs::read(entry.path()).unwrap_or_default();
                if String::from_utf8_lossy(&raw).contains(to) {
                    return raw;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no mail to {to} arrived in {}", folder.display());
}

fn reminder(to: &str) -> Email {
    Email {
        to: to.to_string(),
        subject: "Påminnelse: rapportera för november 2026".into(),
        body: "Hej!\n\nMånadsrapporten för Skolfam väntar på dig.\n".into(),
        ..Email::default()
    }
}

#[tokio::test]
async fn smtp_delivers_swedish_mail_intact() {
    let Some(url) = service("UTFALL_TEST_SMTP_URL", "SMTP-mottagaren") else {
        return;
    };
    let maildir = service("UTFALL_TEST_MAILDIR", "SMTP-mottagarens Maildir").unwrap();
    let to = format!("projektledare-{}@exempel.se", rand_suffix());

    // Act
    let mailer = Mailer::smtp(&url, "Utfall <utfall@exempel.se>").unwrap();
    mailer.send(&reminder(&to)).await.unwrap();

    // Assert: the SMTP server received it, with å/ä/ö decoded correctly.
    let raw = wait_for_mail(Path::new(&maildir), &to).await;
    let parsed = mailparse::parse_mail(&raw).unwrap();
    let subject = parsed
        .headers
        .iter()
        .find(|h| h.get_key() == "Subject")
        .unwrap();
    assert_eq!(
        subject.get_value(),
        "Påminnelse: rapportera för november 2026"
    );
    assert!(
        parsed
            .get_body()
            .unwrap()
            .contains("Månadsrapporten för Skolfam")
    );
}

#[tokio::test]
async fn without_smtp_mail_lands_in_the_folder() {
    let folder = tempfile::tempdir().unwrap();
    let to = "utvarderare@exempel.se";
    let mailer = Mailer::folder(folder.path().join("mejl"), "Utfall <utfall@exempel.se>").unwrap();
    mailer.send(&reminder(to)).await.unwrap();
    let raw = wait_for_mail(&folder.path().join("mejl"), to).await;
    let parsed = mailparse::parse_mail(&raw).unwrap();
    assert!(parsed.get_body().unwrap().contains("Skolfam"));
}

#[tokio::test]
async fn bad_recipient_is_an_error_not_a_panic() {
    let folder = tempfile::tempdir().unwrap();
    let mailer = Mailer::folder(folder.path(), "Utfall <utfall@exempel.se>").unwrap();
    let error = mailer.send(&reminder("inte en adress")).await.unwrap_err();
    assert!(error.to_string().contains("ogiltig e-postadress"));
}
