//! The repository story on both backends: SQLite always, PostgreSQL under `make test`.

use app::db::{BeginWrite, Db, DbOptions};
use app::error::AppError;
use app::organisation::{OrganisationInput, OrganisationKind, repo};
use chrono::Utc;

use crate::helpers::{Backend, postgres_database, spawn_app, spawn_app_with};

fn orebro() -> OrganisationInput {
    OrganisationInput::parse("1880", "Örebro kommun", "kommun").unwrap()
}

/// Create → read → update → list, duplicates and missing rows answered as the user would
/// expect, and a transaction that is not committed leaves nothing behind.
async fn repository_story(db: &Db) {
    // Arrange / Act: create
    let created = repo::create(db, &orebro(), Utc::now()).await.unwrap();
    assert_eq!(created.code, "1880");
    assert_eq!(created.kind, OrganisationKind::Municipality);

    // read
    let read = repo::get(db, created.id).await.unwrap();
    assert_eq!(read, created);

    // update
    let renamed = repo::rename(db, created.id, "Örebro kommun (Exempeldata)", Utc::now())
        .await
        .unwrap();
    assert_eq!(renamed.name, "Örebro kommun (Exempeldata)");
    assert_eq!(repo::get(db, created.id).await.unwrap().name, renamed.name);

    // a second organisation with the same code is a field error, and nothing is written
    let error = repo::create(db, &orebro(), Utc::now()).await.unwrap_err();
    assert!(error.message_for("kod").unwrap().contains("1880"));
    assert_eq!(repo::count(db).await.unwrap(), 1);

    // missing rows
    assert_eq!(
        repo::get(db, created.id + 1000).await.unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        repo::rename(db, created.id + 1000, "x", Utc::now())
            .await
            .unwrap_err(),
        AppError::NotFound
    );

    // a transaction dropped without commit rolls back
    insert_without_commit(db).await;
    let all = repo::list(db).await.unwrap();
    assert_eq!(all.len(), 1, "uncommitted row leaked: {all:?}");

    // a region sorts with the rest
    let region = OrganisationInput::parse("18", "Region Örebro län", "region").unwrap();
    repo::create(db, &region, Utc::now()).await.unwrap();
    let names: Vec<String> = repo::list(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, ["Region Örebro län", "Örebro kommun (Exempeldata)"]);
}

async fn insert_without_commit(db: &Db) {
    let sql = "INSERT INTO organisation (code, name, kind, created_at, updated_at)
               VALUES ('0180', 'Stockholms stad', 'kommun', $1, $1)";
    match db {
        Db::Sqlite(sqlite) => {
            let mut tx = sqlite.writer.begin_write().await.unwrap();
            sqlx::query(sql)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await
                .unwrap();
            drop(tx);
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin_write().await.unwrap();
            sqlx::query(sql)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await
                .unwrap();
            drop(tx);
        }
    }
}

#[tokio::test]
async fn repository_story_on_sqlite() {
    let app = spawn_app().await;
    assert_eq!(app.db.backend(), "sqlite");
    repository_story(&app.db).await;
}

#[tokio::test]
async fn repository_story_on_postgres() {
    let Some(url) = postgres_database().await else {
        return;
    };
    let app = spawn_app_with(Backend::Postgres(url), |_| {}).await;
    assert_eq!(app.db.backend(), "postgres");
    repository_story(&app.db).await;
    assert_eq!(app.get("/ready").await.status(), 200);
}

#[tokio::test]
async fn sqlite_runs_wal_full_sync_and_foreign_keys() {
    let app = spawn_app().await;
    let Db::Sqlite(sqlite) = &app.db else {
        panic!("sqlite expected")
    };
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&sqlite.writer)
        .await
        .unwrap();
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&sqlite.writer)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&sqlite.reader)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(synchronous, 2, "synchronous=FULL");
    assert_eq!(foreign_keys, 1);
    // The reader pool cannot write.
    let refused = sqlx::query("DELETE FROM organisation")
        .execute(&sqlite.reader)
        .await;
    assert!(refused.is_err());
}

/// No commit checkpoints the WAL (the writer's automatic checkpoint is off); a connection of
/// its own copies the WAL into the database file in the background, so the file grows soon
/// after a large write without anyone asking.
#[tokio::test]
async fn sqlite_checkpoints_the_wal_in_the_background_not_in_a_commit() {
    let app = spawn_app().await;
    let Db::Sqlite(sqlite) = &app.db else {
        panic!("sqlite expected")
    };
    let automatic: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
        .fetch_one(&sqlite.writer)
        .await
        .unwrap();
    assert_eq!(automatic, 0);
    let (_, _, file): (i64, String, String) = sqlx::query_as("PRAGMA database_list")
        .fetch_one(&sqlite.writer)
        .await
        .unwrap();
    let size = || std::fs::metadata(&file).unwrap().len();
    let before = size();
    sqlx::query("CREATE TABLE bulk (x TEXT)")
        .execute(&sqlite.writer)
        .await
        .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
         INSERT INTO bulk SELECT hex(randomblob(10000)) FROM n",
    )
    .execute(&sqlite.writer)
    .await
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while size() < before + 2_000_000 {
        assert!(
            std::time::Instant::now() < deadline,
            "the 4 MB written are still only in the WAL after 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn concurrent_writers_on_sqlite_all_succeed() {
    let app = spawn_app().await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let db = app.db.clone();
            tokio::spawn(async move {
                let input =
                    OrganisationInput::parse(&format!("{:04}", 1000 + i), "Kommun", "kommun")
                        .unwrap();
                repo::create(&db, &input, Utc::now()).await
            })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("no SQLITE_BUSY under concurrent writes");
    }
    assert_eq!(repo::count(&app.db).await.unwrap(), 40);
}

#[tokio::test]
async fn migrations_are_idempotent_and_reopening_keeps_data() {
    let temp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/utfall.db?mode=rwc", temp.path().display());
    let db = Db::connect(&url, &DbOptions::default()).await.unwrap();
    repo::create(&db, &orebro(), Utc::now()).await.unwrap();
    db.close().await;

    let reopened = Db::connect(&url, &DbOptions::default()).await.unwrap();
    reopened.migrate().await.unwrap();
    assert_eq!(repo::count(&reopened).await.unwrap(), 1);
}

#[tokio::test]
async fn demo_seed_runs_once() {
    let app = spawn_app().await;
    assert!(app::demo::seed_if_empty(&app.db, Utc::now()).await.unwrap());
    assert!(!app::demo::seed_if_empty(&app.db, Utc::now()).await.unwrap());
    let all = repo::list(&app.db).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].code, "1880");
}

#[tokio::test]
async fn unknown_database_scheme_is_a_clear_error() {
    let error = Db::connect("mysql://localhost/utfall", &DbOptions::default())
        .await
        .unwrap_err();
    assert!(error.to_string().starts_with("DATABASE_URL"), "{error}");
}
