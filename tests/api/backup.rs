//! `server backup --to FILE`: an online backup of the SQLite database, run as the real binary.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use app::auth::Role;
use app::auth::repo::{NewUser, create_user};
use app::organisation::{OrganisationInput, repo as organisations};
use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::cli::server;
use crate::helpers::{Backend, spawn_app_with};

/// Runs `server backup --to to` on `database_url` without blocking the test's runtime (the
/// writers run on it).
async fn backup(database_url: &str, to: &Path) -> std::process::Output {
    let mut command = server();
    command
        .args(["backup", "--to"])
        .arg(to)
        .env("DATABASE_URL", database_url)
        .env("UTFALL_LOG", "warn");
    tokio::process::Command::from(command)
        .output()
        .await
        .expect("the server binary runs")
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// A read-only view of a database file (the live one or a backup).
async fn open(path: &Path) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(path).read_only(true))
        .await
        .expect("database opens")
}

async fn count(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn tables(pool: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_is_consistent_and_a_quiet_one_equals_the_source() {
    // Arrange: the app on a SQLite file, and four writers creating accounts (account, roles and
    // audit row in one transaction each) as fast as they can.
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("utfall.db");
    let url = format!("sqlite://{}?mode=rwc", source.display());
    let app = spawn_app_with(Backend::Sqlite, |config| {
        config.database_url = url.clone().into();
    })
    .await;
    let orebro = OrganisationInput::parse("1880", "Örebro kommun", "kommun").unwrap();
    let organisation = organisations::create(&app.db, &orebro, Utc::now())
        .await
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (db, stop) = (app.db.clone(), stop.clone());
            tokio::spawn(async move {
                let mut written = 0;
                while !stop.load(Ordering::Relaxed) {
                    let user = NewUser {
                        organisation_id: organisation.id,
                        name: format!("Skrivare {writer}:{written}"),
                        email: format!("skrivare{writer}-{written}@exempel.se"),
                        password_hash: "inte-ett-riktigt-lösenord".into(),
                        roles: vec![Role::Reader, Role::ProjectLead],
                    };
                    create_user(&db, None, &user, Utc::now())
                        .await
                        .expect("a write under backup succeeds");
                    written += 1;
                }
                written
            })
        })
        .collect();
    let live = open(&source).await;
    while count(&live, "SELECT COUNT(*) FROM user_account").await < 100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = count(&live, "SELECT COUNT(*) FROM user_account").await;

    // Act: a backup while the writers go on.
    let under_load = temp.path().join("under-last.db");
    let output = backup(&url, &under_load).await;
    let after = count(&live, "SELECT COUNT(*) FROM user_account").await;
    stop.store(true, Ordering::Relaxed);
    let mut written = 0;
    for writer in writers {
        written += writer.await.unwrap();
    }

    // Assert: the operator is told what was written, and where.
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Säkerhetskopian är skriven"), "{stdout}");
    assert!(stdout.contains("under-last.db"), "{stdout}");
    assert!(stdout.contains("kB") || stdout.contains("MB"), "{stdout}");
    assert!(
        after > before,
        "the writers kept writing while the backup ran"
    );
    assert_eq!(
        written,
        count(&live, "SELECT COUNT(*) FROM user_account").await
    );

    // The backup is sound and a snapshot: no more than the source, at least what was there
    // before it started, and every transaction whole.
    let copy = open(&under_load).await;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&copy)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let users = count(&copy, "SELECT COUNT(*) FROM user_account").await;
    assert!(
        before <= users && users <= written,
        "{before} <= {users} <= {written}"
    );
    for (what, sql) in [
        (
            "accounts without their audit row",
            "SELECT COUNT(*) FROM user_account u WHERE NOT EXISTS (SELECT 1 FROM audit_event a
             WHERE a.object_type = 'user_account' AND a.object_id = u.id AND a.action = 'create')",
        ),
        (
            "audit rows without their account",
            "SELECT COUNT(*) FROM audit_event a WHERE a.object_type = 'user_account'
             AND NOT EXISTS (SELECT 1 FROM user_account u WHERE u.id = a.object_id)",
        ),
        (
            "accounts without both roles",
            "SELECT COUNT(*) FROM user_account u
             WHERE (SELECT COUNT(*) FROM user_role r WHERE r.user_id = u.id) <> 2",
        ),
        (
            "foreign-key violations",
            "SELECT COUNT(*) FROM pragma_foreign_key_check",
        ),
    ] {
        assert_eq!(count(&copy, sql).await, 0, "{what} in the backup");
    }

    // Act: a backup with no writes going on …
    let quiet = temp.path().join("efter.db");
    let output = backup(&url, &quiet).await;
    assert!(output.status.success(), "{}", stderr(&output));

    // … equals the source row for row, in every table (migration history included).
    let quiet_copy = open(&quiet).await;
    let names = tables(&live).await;
    assert!(names.contains(&"audit_event".to_string()), "{names:?}");
    assert_eq!(names, tables(&quiet_copy).await);
    let compare = open(&source).await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ATTACH DATABASE '{}' AS kopia",
        quiet.display()
    )))
    .execute(&compare)
    .await
    .unwrap();
    for table in &names {
        let rows = count(&compare, &format!("SELECT COUNT(*) FROM main.\"{table}\"")).await;
        let copied = count(&compare, &format!("SELECT COUNT(*) FROM kopia.\"{table}\"")).await;
        assert_eq!(rows, copied, "{table}: row count");
        let differing = count(
            &compare,
            &format!(
                "SELECT COUNT(*) FROM (SELECT * FROM main.\"{table}\" EXCEPT SELECT * FROM kopia.\"{table}\")"
            ),
        )
        .await;
        assert_eq!(differing, 0, "{table}: rows differ");
    }
    assert_eq!(
        count(&compare, "SELECT COUNT(*) FROM kopia.user_account").await,
        written
    );

    // An existing file is never overwritten, and no half-written file is left behind.
    let size = std::fs::metadata(&quiet).unwrap().len();
    let again = backup(&url, &quiet).await;
    assert!(!again.status.success());
    assert!(stderr(&again).contains("finns redan"), "{}", stderr(&again));
    assert_eq!(std::fs::metadata(&quiet).unwrap().len(), size);
    let mut left: Vec<String> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| !name.starts_with("utfall.db") && name != "mail")
        .collect();
    left.sort();
    assert_eq!(left, ["efter.db", "under-last.db"]);
}

#[test]
fn backup_refuses_postgres_and_points_to_pg_dump() {
    let temp = tempfile::tempdir().unwrap();
    let to = temp.path().join("kopia.db");
    let output = server()
        .args(["backup", "--to"])
        .arg(&to)
        .env("DATABASE_URL", "postgres://utfall@127.0.0.1:1/utfall")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("pg_dump"), "{message}");
    assert!(message.contains("pg_restore"), "{message}");
    assert!(!to.exists());
}

#[test]
fn backup_of_a_missing_database_says_so_and_writes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let to = temp.path().join("kopia.db");
    let output = server()
        .args(["backup", "--to"])
        .arg(&to)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/finns-inte.db?mode=rwc", temp.path().display()),
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("finns inte"),
        "{}",
        stderr(&output)
    );
    assert!(!to.exists());
    assert!(
        !temp.path().join("finns-inte.db").exists(),
        "nothing created"
    );
}
