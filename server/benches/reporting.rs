//! Benchmark of månadsrapportering and the dashboards at national scale (design targets of
//! the reporting and dashboard issues): saving a 40-value month (p99 ≤ 15 ms), exporting values
//! as CSV (within 2× `sqlite3 -csv` of the same rows), the portfolio's data for one kommun and a
//! satsning dashboard's 40 charts, on an embedded SQLite file with
//! 10 kommuner × 100 satsningar × 40 mått × 60 månader = 2.4 M values.
//!
//! Run: `cargo bench -p server --bench reporting` (UTFALL_BENCH_SCALE=small for a quick run
//! with 2 kommuner × 20 satsningar). It prints its measurements; it asserts nothing, because
//! timings belong to the machine, not to the test suite.

use std::time::{Duration, Instant};

use app::audit::Actor;
use app::db::{Db, DbOptions};
use app::report::Period;
use app::report::file_repo::ExportScope;
use app::report::repo::{Entry, MonthSave};

mod common;

use common::{MEASURES, MONTHS, report, seed};

fn main() {
    common::block_on(run());
}

async fn run() {
    let (organisations, per_organisation) = common::scale();
    let (dir, url) = common::fresh_sqlite();
    let db = Db::connect(&url, &DbOptions { max_connections: 8 })
        .await
        .expect("database");
    let first = Period::parse("2022-01").expect("period");
    let started = Instant::now();
    seed(&db, organisations, per_organisation, first).await;
    let values: i64 = app::db_read!(&db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM measure_value")
            .fetch_one(pool)
            .await
            .expect("count")
    });
    println!(
        "data: {organisations} kommuner × {per_organisation} satsningar × {MEASURES} mått × {MONTHS} månader = {values} värden (inlagt på {:.1} s)",
        started.elapsed().as_secs_f64()
    );

    // Saving a month: 40 values, every one changed, one transaction with its audit rows.
    let mut timings = Vec::new();
    let initiatives = organisations * per_organisation;
    for round in 0..400i64 {
        let initiative = 1 + (round * 7919) % initiatives;
        let organisation = 1 + (initiative - 1) / per_organisation;
        let period = (0..(round % MONTHS)).fold(first, |p, _| p.next());
        let first_measure = (initiative - 1) * MEASURES + 1;
        let entries: Vec<Entry> = (0..MEASURES)
            .map(|m| Entry {
                measure_id: first_measure + m,
                value: Some((round * 3 + m) as f64),
                comment: String::new(),
            })
            .collect();
        let actor = Actor {
            user_id: organisation,
            organisation_id: organisation,
        };
        let month = MonthSave {
            period,
            entries: &entries,
            reason: None,
            submit: round % 2 == 0,
        };
        let t = Instant::now();
        // Without the deviation evaluation: the deviation bench measures what it adds.
        let after = app::report::AfterValues::none();
        app::report::repo::save(&db, actor, initiative, month, chrono::Utc::now(), &after)
            .await
            .expect("save");
        timings.push(t.elapsed());
    }
    report("spara en månad (40 värden)", &mut timings[50..].to_vec());

    // Export of one kommun's values as CSV (the server's own path and line format, minus HTTP).
    let scope = ExportScope {
        organisation_id: 1,
        initiative_id: None,
        led_by: None,
    };
    let t = Instant::now();
    let (sink, mut batches) = tokio::sync::mpsc::channel(4);
    let export_db = db.clone();
    let task =
        tokio::spawn(async move { app::report::file_repo::export(&export_db, scope, sink).await });
    let (mut count, mut bytes) = (0usize, 0usize);
    while let Some(batch) = batches.recv().await {
        let mut chunk = app::sv::csv::Writer::new();
        for row in &batch {
            server::value_exports::push_csv_line(&mut chunk, row);
        }
        count += batch.len();
        bytes += chunk.take().len();
    }
    task.await.expect("task").expect("export");
    let export = t.elapsed();
    println!(
        "export: {count} rader ({} MB CSV) på {:.2} s",
        bytes / 1_000_000,
        export.as_secs_f64()
    );
    // The target's yardstick: sqlite3 -csv reading the same rows (when sqlite3 is installed).
    let sql = "SELECT i.name, m.code, m.name, m.kind, v.period, v.value, m.unit, v.comment, u.name, v.reported_at
         FROM measure_value v JOIN measure m ON m.id = v.measure_id
         JOIN initiative i ON i.id = m.initiative_id LEFT JOIN user_account u ON u.id = v.reported_by
         WHERE i.organisation_id = 1 AND (v.value IS NOT NULL OR v.comment <> '')
         ORDER BY i.name, i.id, m.position, m.id, v.period";
    let t = Instant::now();
    let cli = std::process::Command::new("sqlite3")
        .arg("-csv")
        .arg(dir.path().join("bench.db"))
        .arg(sql)
        .output();
    match cli {
        Ok(out) if out.status.success() => {
            let cli_time = t.elapsed();
            println!(
                "sqlite3 -csv: {} rader på {:.2} s → Utfall/sqlite3 = {:.2}× (mål ≤ 2×)",
                out.stdout.iter().filter(|b| **b == b'\n').count(),
                cli_time.as_secs_f64(),
                export.as_secs_f64() / cli_time.as_secs_f64()
            );
        }
        _ => println!("sqlite3 finns inte: jämförelsen hoppas över"),
    }
    // Portfolio data for one kommun (100 satsningar, 4 000 measures): the queries and the
    // computation behind /oversikt, without HTTP and rendering.
    let mut timings = Vec::new();
    let mut parts = [Duration::ZERO; 3];
    for _ in 0..40 {
        let t = Instant::now();
        let initiatives = app::initiative::repo::list(&db, 1).await.expect("list");
        parts[0] += t.elapsed();
        let p = Instant::now();
        let _marks = app::report::repo::month_marks(&db, 1, None, first)
            .await
            .expect("marks");
        parts[1] += p.elapsed();
        let p = Instant::now();
        let judged = app::report::repo::judged_measures(&db, 1)
            .await
            .expect("measures");
        parts[2] += p.elapsed();
        let lights = judged
            .iter()
            .map(|(_, m, (period, value))| {
                app::dashboard::measure_light(m, Some((period.last_day(), *value)))
            })
            .filter(|l| *l >= app::light::Light::Yellow)
            .count();
        assert!(initiatives.len() as i64 == per_organisation && lights <= judged.len());
        assert_eq!(
            judged.len() as i64,
            per_organisation * MEASURES / 2,
            "effektmått judged"
        );
        timings.push(t.elapsed());
    }
    println!(
        "  varav (medel): satsningar {:.1} ms, månadsstatus {:.1} ms, mått med senaste värde {:.1} ms",
        parts[0].as_secs_f64() * 25.0,
        parts[1].as_secs_f64() * 25.0,
        parts[2].as_secs_f64() * 25.0
    );
    report("portföljens data (en kommun)", &mut timings[5..].to_vec());

    // A satsning dashboard: its schema, 60 months of values, and 40 charts drawn as SVG.
    let mut timings = Vec::new();
    for round in 0..30i64 {
        let initiative = 1 + round;
        let t = Instant::now();
        let schema = app::schema::repo::load(&db, initiative)
            .await
            .expect("schema");
        let months = Period::range(first, (1..MONTHS).fold(first, |p, _| p.next()));
        let series =
            app::report::repo::series(&db, initiative, months[0], months[months.len() - 1])
                .await
                .expect("series");
        let mut bytes = 0;
        for m in &schema.measures {
            let own = series.get(&m.id).map_or(&[][..], Vec::as_slice);
            let periods = app::dashboard::measure_periods(m, &months);
            let data = app::dashboard::chart_data(m, &periods, own);
            bytes += app::chart::svg(&data, "d").map_or(0, |s| s.len());
        }
        assert!(bytes > 0);
        timings.push(t.elapsed());
    }
    report(
        "satsningens dashboard (40 diagram)",
        &mut timings[5..].to_vec(),
    );
    db.close().await;
}
