//! Benchmark of the deviation rules at national scale (design targets of the deviation
//! issue): the full sweep of every rule over every measure ≤ 2 s; re-evaluating one saved
//! month adds ≤ 2 ms to the save's p99; on an embedded SQLite file with
//! 10 kommuner × 100 satsningar × 40 mått × 60 månader = 2.4 M values (the data set of
//! `common::seed`, whose effektmått have targets and tolerances, so many of them are flagged).
//! The queue page `/avvikelser` with its open flags is measured over HTTP by the `pages` bench.
//!
//! Run: `cargo bench -p server --bench deviation` (UTFALL_BENCH_SCALE=small for a quick run
//! with 2 kommuner × 20 satsningar). It prints its measurements; it asserts only that the
//! sweep is idempotent, because timings belong to the machine, not to the test suite.

use std::time::{Duration, Instant};

use app::audit::Actor;
use app::db::{Db, DbOptions};
use app::deviation::repo::{Settings, sweep};
use app::report::Period;
use app::report::repo::{Entry, MonthSave};

mod common;

use common::{MEASURES, MONTHS, report, seed};

fn main() {
    common::block_on(run());
}

async fn run() {
    let (organisations, per_organisation) = common::scale();
    let (_dir, url) = common::fresh_sqlite();
    let db = Db::connect(&url, &DbOptions { max_connections: 8 })
        .await
        .expect("database");
    let first = Period::parse("2022-01").expect("period");
    let started = Instant::now();
    seed(&db, organisations, per_organisation, first).await;
    println!(
        "data: {organisations} kommuner × {per_organisation} satsningar × {MEASURES} mått × {MONTHS} månader (inlagt på {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let settings = Settings::default();
    let now = chrono::Utc::now();

    // The full sweep: the first opens every flag, the second finds nothing to change.
    let t = Instant::now();
    let opened = sweep(&db, &settings, now).await.expect("sweep");
    let first_sweep = t.elapsed();
    let t = Instant::now();
    let again = sweep(&db, &settings, now).await.expect("sweep again");
    let second_sweep = t.elapsed();
    assert_eq!(again.changed(), 0, "a second sweep changes nothing");
    let open: i64 = app::db_read!(&db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM deviation_flag WHERE status <> 'stangd'")
            .fetch_one(pool)
            .await
            .expect("count")
    });
    println!(
        "svep, första (öppnar {} flaggor): {:.2} s; andra (ändrar inget): {:.2} s (mål ≤ 2 s); öppna flaggor: {open}",
        opened.opened,
        first_sweep.as_secs_f64(),
        second_sweep.as_secs_f64()
    );

    // A saved month with and without the evaluation of its satsning in the save's own
    // transaction (as the form, import and survey transfer do): each round saves one month
    // twice with different values, first without, then with the evaluation.
    let initiatives = organisations * per_organisation;
    let (none, evaluation) = (
        app::report::AfterValues::none(),
        app::deviation::repo::after_values(settings),
    );
    let (mut saves, mut with_evaluation) = (Vec::new(), Vec::new());
    for round in 0..400i64 {
        let initiative = 1 + (round * 7919) % initiatives;
        let organisation = 1 + (initiative - 1) / per_organisation;
        let period = (0..(round % MONTHS)).fold(first, |p, _| p.next());
        let first_measure = (initiative - 1) * MEASURES + 1;
        let actor = Actor {
            user_id: organisation,
            organisation_id: organisation,
        };
        for (after, timings, shift) in [
            (&none, &mut saves, 1),
            (&evaluation, &mut with_evaluation, 2),
        ] {
            let entries: Vec<Entry> = (0..MEASURES)
                .map(|m| Entry {
                    measure_id: first_measure + m,
                    value: Some((round * 3 + m + shift) as f64 % 100.0),
                    comment: String::new(),
                })
                .collect();
            let month = MonthSave {
                period,
                entries: &entries,
                reason: None,
                submit: false,
            };
            let t = Instant::now();
            app::report::repo::save(&db, actor, initiative, month, now, after)
                .await
                .expect("save");
            timings.push(t.elapsed());
        }
    }
    let p99 = |timings: &mut Vec<Duration>| {
        timings.sort();
        timings[(timings.len() - 1) * 99 / 100]
    };
    let (mut saves, mut with_evaluation) = (saves[50..].to_vec(), with_evaluation[50..].to_vec());
    let (save_p99, both_p99) = (p99(&mut saves), p99(&mut with_evaluation));
    report("spara en månad (40 värden)", &mut saves);
    report(
        "spara en månad med utvärderingen i samma transaktion",
        &mut with_evaluation,
    );
    println!(
        "utvärderingen lägger till {:.2} ms till sparandets p99 (mål ≤ 2 ms)",
        (both_p99.as_secs_f64() - save_p99.as_secs_f64()) * 1000.0
    );
    db.close().await;
}
