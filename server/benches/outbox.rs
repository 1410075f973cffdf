//! Benchmark of the outbox (design target of the reminder issue): enqueue and send 10 000
//! digest mails to a real SMTP server on loopback; the outbox is never the bottleneck
//! (≥ 500 mails/s with the pooled SMTP connection) and memory stays flat.
//!
//! The SMTP server is aiosmtpd (Debian `python3-aiosmtpd`, which `make test` installs), started
//! here with its discarding handler on a free port. Its own rate is the ceiling, so the bench
//! also reports the outbox's rate into the mail folder (no SMTP at all) as the reference for
//! the outbox's own cost.
//!
//! Run: `cargo bench -p server --bench outbox` (UTFALL_BENCH_MAILS=1000 for a quick run). It
//! prints its measurements and asserts only that every mail was sent exactly once.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::db::{Db, DbOptions};
use app::mail::Mailer;
use app::outbox::NewMail;
use chrono::Utc;

const FROM: &str = "Utfall <utfall@bench.se>";

mod common;

fn main() {
    common::block_on(run());
}

/// The resident set's current and peak size in MB (Linux `/proc/self/status`).
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// aiosmtpd discarding every message, on a free loopback port; `None` when it is missing.
fn smtp_sink() -> Option<(Child, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new("/usr/bin/python3")
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Sink"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((child, port));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// A digest-sized mail (about 2 kB of text and HTML) for recipient `n`.
fn digest(n: usize, run: &str) -> NewMail {
    let items: String = (0..12)
        .map(|i| format!("- Satsning {i}: oktober 2026 inte inrapporterad\n  https://utfall.exempel.se/satsningar/{i}/rapportera\n"))
        .collect();
    NewMail {
        organisation_id: 1,
        key: format!("bench:{run}:{n}"),
        kind: app::reminder::WEEKLY_DIGEST.into(),
        recipient_user_id: None,
        recipient_name: format!("Mottagare {n} Åström"),
        recipient_address: format!("mottagare{n}@exempel.se"),
        subject: "Veckobrev från Utfall, vecka 50".into(),
        html: format!("<p>Hej!</p><pre>{items}</pre>"),
        text: format!("Hej!\n\nDet här har hänt i satsningarna den senaste veckan.\n{items}"),
    }
}

/// Queues `count` mails in transactions of 500; returns the time it took.
async fn enqueue(db: &Db, count: usize, run: &str) -> Duration {
    let t = Instant::now();
    let now = Utc::now();
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let mut tx = db.begin().await.expect("tx");
        for n in chunk {
            app::outbox::repo::enqueue(&mut tx, &digest(*n, run), now)
                .await
                .expect("enqueue");
        }
        tx.commit().await.expect("commit");
    }
    t.elapsed()
}

/// Drains everything queued through `mailer`; returns (sent, time).
async fn drain(db: &Db, mailer: &Mailer) -> (usize, Duration) {
    let t = Instant::now();
    let mut sent = 0;
    loop {
        let pass = server::outbox::drain_once(db, mailer, Utc::now())
            .await
            .expect("drain");
        assert_eq!(pass.retrying + pass.failed, 0, "every mail is accepted");
        if pass.sent == 0 {
            return (sent, t.elapsed());
        }
        sent += pass.sent;
    }
}

async fn run() {
    let count: usize = std::env::var("UTFALL_BENCH_MAILS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let (dir, url) = common::fresh_sqlite();
    let db = Db::connect(&url, &DbOptions { max_connections: 8 })
        .await
        .expect("database");
    app::db_write!(&db, |pool| {
        sqlx::query(
            "INSERT INTO organisation (id, code, name, kind, created_at, updated_at)
             VALUES (1, 'K1', 'Kommun 1', 'kommun', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .execute(pool)
        .await
        .map(|_| ())
        .expect("organisation")
    });
    let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    let (rss_before, _) = rss_mb();

    // Reference: the same mails into the mail folder (no SMTP).
    let folder = Mailer::folder(dir.path().join("mail"), FROM).expect("folder");
    let queued = enqueue(&db, count, "folder").await;
    let (sent, took) = drain(&db, &folder).await;
    assert_eq!(sent, count);
    println!(
        "köa {count} veckobrev: {:.2} s ({:.0}/s); skicka till e-postmappen: {:.2} s ({:.0}/s)",
        queued.as_secs_f64(),
        rate(count, queued),
        took.as_secs_f64(),
        rate(sent, took)
    );

    match smtp_sink() {
        Some((mut child, port)) => {
            let smtp =
                Mailer::smtp(&format!("smtp://127.0.0.1:{port}"), FROM).expect("smtp mailer");
            let queued = enqueue(&db, count, "smtp").await;
            let (sent, took) = drain(&db, &smtp).await;
            assert_eq!(sent, count, "each mail sent once");
            println!(
                "köa {count} veckobrev: {:.2} s; skicka över SMTP (aiosmtpd på loopback, poolad anslutning): {:.2} s ({:.0}/s, mål ≥ 500/s)",
                queued.as_secs_f64(),
                took.as_secs_f64(),
                rate(sent, took)
            );
            let _ = child.kill();
        }
        None => println!("aiosmtpd finns inte (python3-aiosmtpd): SMTP-delen hoppas över"),
    }
    let (rss_after, peak) = rss_mb();
    println!("minne (RSS): före {rss_before:.0} MB, efter {rss_after:.0} MB, topp {peak:.0} MB");
    db.close().await;
}
