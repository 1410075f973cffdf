//! The national-scale data set shared by the benchmarks, and their common preamble.

// Every bench is its own crate and uses only part of this module.
#![allow(dead_code)]

use std::time::Duration;

use app::db::Db;
use app::report::Period;

/// Measures per satsning.
pub const MEASURES: i64 = 40;
/// Months of values per measure.
pub const MONTHS: i64 = 60;

/// Organisations, one projektledare each (user id = organisation id), satsningar with one mål
/// and aktivitet and 40 monthly measures each (measure ids in blocks of 40 per satsning), and
/// 60 months of values, inserted with set-based SQL.
pub async fn seed(db: &Db, organisations: i64, per_organisation: i64, first: Period) {
    let n = [organisations];
    let both = [organisations, per_organisation];
    let period = [first.as_db()];
    let statements: [(&str, &[i64]); 8] = [
        ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
         INSERT INTO organisation (id, code, name, kind, created_at, updated_at)
         SELECT i, 'K' || i, 'Kommun ' || i, 'kommun', '2022-01-01T00:00:00Z', '2022-01-01T00:00:00Z' FROM n", &n),
        ("INSERT INTO user_account (id, organisation_id, name, email, email_key, password_hash, created_at, updated_at)
         SELECT id, id, 'Projektledare ' || id, 'pl' || id || '@exempel.se', 'pl' || id || '@exempel.se', 'x',
                '2022-01-01T00:00:00Z', '2022-01-01T00:00:00Z' FROM organisation", &[]),
        ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1 * $2)
         INSERT INTO initiative (id, organisation_id, name, start_date, end_date, status, created_at, updated_at)
         SELECT i, 1 + (i - 1) / $2, 'Satsning ' || i, '2022-01-01', '2026-12-31', 'pagaende',
                '2022-01-01T00:00:00Z', '2022-01-01T00:00:00Z' FROM n", &both),
        ("INSERT INTO initiative_lead (initiative_id, user_id) SELECT id, organisation_id FROM initiative", &[]),
        ("INSERT INTO goal (id, initiative_id, position, text) SELECT id, id, 1, 'Mål' FROM initiative", &[]),
        ("INSERT INTO activity (id, goal_id, position, text) SELECT id, id, 1, 'Aktivitet' FROM goal", &[]),
        ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 39)
         INSERT INTO measure (id, initiative_id, kind, activity_id, position, code, name, value_type,
                              frequency, direction, source)
         SELECT (a.id - 1) * 40 + n.i + 1, a.id, CASE WHEN n.i % 2 = 0 THEN 'aktivitet' ELSE 'effekt' END,
                a.id, n.i, 'M' || n.i, 'Mått ' || n.i, 'antal', 'manad', 'hogre', 'manuell'
         FROM activity a, n", &[]),
        ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59)
         INSERT INTO measure_value (measure_id, period, value, comment, reported_by, reported_at)
         SELECT m.id, ($1 / 100 + (($1 % 100) - 1 + n.i) / 12) * 100 + (($1 % 100) - 1 + n.i) % 12 + 1,
                (m.id * 7 + n.i) % 100, '', NULL, '2022-01-01T00:00:00Z'
         FROM measure m, n", &period),
    ];
    for (sql, args) in statements {
        app::db_write!(db, |pool| {
            let mut query = sqlx::query(sql);
            for arg in args {
                query = query.bind(*arg);
            }
            query.execute(pool).await.map(|_| ()).expect("seed")
        });
    }
    // What every save keeps on the measure (the seed writes values directly).
    app::db_write!(db, |pool| {
        sqlx::query(
            "UPDATE measure SET
               latest_period = (SELECT MAX(v.period) FROM measure_value v
                                WHERE v.measure_id = measure.id AND v.value IS NOT NULL),
               latest_value = (SELECT v.value FROM measure_value v
                               WHERE v.measure_id = measure.id
                                 AND v.period = (SELECT MAX(w.period) FROM measure_value w
                                                 WHERE w.measure_id = measure.id
                                                   AND w.value IS NOT NULL))",
        )
        .execute(pool)
        .await
        .map(|_| ())
        .expect("latest")
    });
    app::db_write!(db, |pool| {
        sqlx::query(
            "UPDATE measure SET baseline_value = 10, baseline_date = '2022-01-01', target_value = 90,
                    target_date = '2026-12-31', tolerance_yellow = 5, tolerance_red = 15
             WHERE kind = 'effekt'",
        )
        .execute(pool)
        .await
        .map(|_| ())
        .expect("targets")
    });
    app::db_write!(db, |pool| {
        sqlx::query(
            "INSERT INTO report_period (initiative_id, period, has_values)
             SELECT DISTINCT m.initiative_id, v.period, 1 FROM measure_value v JOIN measure m ON m.id = v.measure_id",
        )
        .execute(pool)
        .await
        .map(|_| ())
        .expect("periods")
    });
}

/// Prints a timing summary: count, p50, p90, p99 and max in milliseconds.
pub fn report(what: &str, timings: &mut [Duration]) {
    timings.sort();
    let at = |q: f64| timings[((timings.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "{what}: n = {}, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        timings.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}

/// Runs a benchmark's body on a multi-threaded runtime (the server's kind).
pub fn block_on<F: std::future::Future>(body: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(body)
}

/// The data set's size, (kommuner, satsningar per kommun): national scale, or 2 × 20 with
/// `UTFALL_BENCH_SCALE=small` for a quick run.
pub fn scale() -> (i64, i64) {
    if std::env::var("UTFALL_BENCH_SCALE").is_ok_and(|s| s == "small") {
        (2, 20)
    } else {
        (10, 100)
    }
}

/// A fresh SQLite file in a temporary folder: the folder (removed when dropped) and its URL.
pub fn fresh_sqlite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    (dir, url)
}

/// Starts the real server with `config` on its own multi-threaded runtime (as `main` runs it,
/// one worker per core) in a thread of its own; returns its port once it listens.
pub fn start_server(config: server::config::Config) -> u16 {
    let (ready, started) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_stack_size(server::startup::THREAD_STACK_BYTES)
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let application = server::startup::Application::build(&config)
                .await
                .expect("app builds");
            let _ = ready.send(application.port());
            let _ = application.run_until(std::future::pending()).await;
        });
    });
    started.recv().expect("server started")
}

/// One HTTP/1.1 keep-alive connection to the server on loopback, like one of `wrk`'s.
pub async fn connect(
    port: u16,
) -> hyper::client::conn::http1::SendRequest<http_body_util::Full<bytes::Bytes>> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    tokio::spawn(connection);
    sender
}
