//! HTTP benchmark of the pages at national scale: the real server (release build, its whole
//! middleware stack and Leptos SSR) on an embedded SQLite file with
//! 10 kommuner × 100 satsningar × 40 mått × 60 månader = 2.4 M values, driven over loopback by
//! a small load generator in the same process (one HTTP/1.1 keep-alive connection per worker,
//! like `wrk`).
//!
//! Design targets (dashboard issue): the portfolio `/oversikt` SSR p99 ≤ 25 ms and its
//! throughput ≥ 25 % of a trivial handler's (`/health`) in the same run; a satsning page with
//! 40 charts p99 ≤ 50 ms. Deviation issue: the queue `/avvikelser` with its open flags (those
//! the sweep finds in kommun 1's values) p99 ≤ 25 ms. Half-year issue: satsning 1's report for
//! 2026-H1 (40 measures × 6 months) p99 ≤ 50 ms, its .docx ≤ 300 ms, its PDF ≤ 1 s.
//!
//! Latency is measured one request at a time (no queueing in the numbers); throughput with
//! several connections kept busy for a fixed time. The trivial handler is requested without a
//! session cookie, so its numbers include the middleware but no session lookup — the strictest
//! yardstick for the ratio.
//!
//! Run: `cargo bench -p server --bench pages` (UTFALL_BENCH_SCALE=small for a quick run with
//! 2 kommuner × 20 satsningar). It prints its measurements and asserts only that the pages
//! answer 200 with the expected content: timings belong to the machine, not to a test.

use std::time::{Duration, Instant};

use app::db::{Db, DbOptions};
use app::report::Period;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use server::config::Config;

mod common;

use common::{connect, report};

const PASSWORD: &str = "bänkprov-lösenord-2026";
const EMAIL: &str = "beredning@bench.se";
/// Connections kept busy in the throughput runs.
const CONNECTIONS: usize = 4;
/// How long each throughput run lasts.
const RUN: Duration = Duration::from_secs(10);

fn main() {
    let (organisations, per_organisation) = common::scale();
    let (dir, url) = common::fresh_sqlite();

    // The load generator's runtime: one thread, like `wrk -t1`.
    let load = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("load runtime");
    load.block_on(prepare(&url, organisations, per_organisation));

    // The server runs as `main` runs it: a multi-threaded runtime, one worker per core.
    let config = Config {
        addr: ([127, 0, 0, 1], 0).into(),
        database_url: url.into(),
        mail_dir: dir.path().join("mail"),
        log: "off".into(),
        ..Config::default()
    };
    let port = common::start_server(config);
    load.block_on(measure(port, per_organisation as usize));
}

/// Seeds the data set and a beredningsgrupp member of kommun 1, who sees all its satsningar.
async fn prepare(url: &str, organisations: i64, per_organisation: i64) {
    let db = Db::connect(url, &DbOptions { max_connections: 2 })
        .await
        .expect("database");
    let first = Period::parse("2022-01").expect("period");
    let started = Instant::now();
    common::seed(&db, organisations, per_organisation, first).await;
    let hash = app::auth::password::hash(PASSWORD.into())
        .await
        .expect("hash");
    app::db_write!(&db, |pool| {
        sqlx::query(
            "INSERT INTO user_account (id, organisation_id, name, email, email_key, password_hash,
                                       created_at, updated_at)
             VALUES (100000, 1, 'Beredning', $1, $1, $2, '2022-01-01T00:00:00Z', '2022-01-01T00:00:00Z')",
        )
        .bind(EMAIL)
        .bind(&hash)
        .execute(pool)
        .await
        .map(|_| ())
        .expect("user")
    });
    app::db_write!(&db, |pool| {
        sqlx::query("INSERT INTO user_role (user_id, role) VALUES (100000, 'beredning')")
            .execute(pool)
            .await
            .map(|_| ())
            .expect("role")
    });
    println!(
        "data: {organisations} kommuner × {per_organisation} satsningar × {} mått × {} månader (inlagt på {:.1} s)",
        common::MEASURES,
        common::MONTHS,
        started.elapsed().as_secs_f64()
    );
    // The deviation flags the values raise, as the scheduled sweep opens them.
    let settings = app::deviation::repo::Settings::default();
    app::deviation::repo::sweep(&db, &settings, chrono::Utc::now())
        .await
        .expect("sweep");
    db.close().await;
}

async fn measure(port: u16, per_organisation: usize) {
    let cookie = login(port).await;
    let portfolio = Target {
        path: "/oversikt".into(),
        cookie: Some(cookie.clone()),
    };
    let initiative = Target {
        path: "/satsningar/1".into(),
        cookie: Some(cookie),
    };
    let queue = Target {
        path: "/avvikelser".into(),
        cookie: portfolio.cookie.clone(),
    };
    let health = Target {
        path: "/health".into(),
        cookie: None,
    };
    // The same trivial handler with the session cookie: what the session lookup (cached for
    // a second per instance) adds to every logged-in request.
    let health_session = Target {
        path: "/health".into(),
        cookie: portfolio.cookie.clone(),
    };
    // The lightest Leptos page: the login form, with the app shell and no data.
    let login_page = Target {
        path: "/logga-in".into(),
        cookie: None,
    };

    // The pages answer, and with what the user expects to see.
    let mut conn = connect(port).await;
    let dump = std::env::var("UTFALL_BENCH_DUMP").ok();
    let page = get_text(&mut conn, &portfolio).await;
    let portfolio_bytes = page.len();
    if let Some(file) = &dump {
        std::fs::write(format!("{file}.oversikt.html"), &page).expect("dump");
    }
    let rows = page.matches("<tr data-light=\"").count();
    assert!(
        rows >= per_organisation,
        "the portfolio lists every satsning ({rows} rows)"
    );
    let page = get_text(&mut conn, &initiative).await;
    if let Some(file) = &dump {
        std::fs::write(file, &page).expect("dump");
    }
    let charts = page.matches("<svg").count();
    assert!(charts >= 40, "the satsning page draws 40 charts ({charts})");
    println!(
        "/oversikt: {rows} rader, {} kB · /satsningar/1: {charts} diagram, {} kB",
        portfolio_bytes / 1000,
        page.len() / 1000
    );
    let page = get_text(&mut conn, &queue).await;
    // The queue shows a page of its open flags and says how many there are in all.
    let total = page
        .split_once(" avvikelser")
        .and_then(|(before, _)| before.rsplit('>').next())
        .unwrap_or("?")
        .to_string();
    println!(
        "/avvikelser: {total} öppna avvikelser, {} på sidan, {} kB",
        page.matches("<tr id=\"avvikelse-").count(),
        page.len() / 1000
    );

    if std::env::var("UTFALL_BENCH_ONLY").is_err() {
        half_year_report(&mut conn, portfolio.cookie.clone()).await;
    }

    if let Ok(only) = std::env::var("UTFALL_BENCH_ONLY") {
        // Profiling aid: one page under load (the throughput run) for `RUN` × 3.
        let target = Target {
            path: only,
            cookie: portfolio.cookie.clone(),
        };
        for _ in 0..3 {
            throughput(port, &target).await;
        }
        return;
    }
    for target in [
        &portfolio,
        &initiative,
        &queue,
        &login_page,
        &health,
        &health_session,
    ] {
        let mut timings = Vec::new();
        for round in 0..330 {
            let t = Instant::now();
            get(&mut conn, target).await;
            if round >= 30 {
                timings.push(t.elapsed());
            }
        }
        let with = if target.cookie.is_some() {
            " (inloggad)"
        } else {
            ""
        };
        report(&format!("{}{with} en i taget", target.path), &mut timings);
    }

    let trivial = throughput(port, &health).await;
    let with_session = throughput(port, &health_session).await;
    println!(
        "/health med sessionskaka: {:.1} % av samma hanterare utan",
        100.0 * with_session / trivial
    );
    // Comparison aid: more pages (with the session), e.g. `/oversikt?status=ide` to see the
    // portfolio's cost without its rows.
    for path in std::env::var("UTFALL_BENCH_EXTRA")
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.is_empty())
    {
        let target = Target {
            path: path.into(),
            cookie: portfolio.cookie.clone(),
        };
        let per_second = throughput(port, &target).await;
        println!(
            "{path}: {:.1} % av den triviala hanterarens",
            100.0 * per_second / trivial
        );
    }
    let light_page = throughput(port, &login_page).await;
    let page = throughput(port, &portfolio).await;
    println!(
        "/oversikt: {:.1} % av den triviala hanterarens genomströmning (mål ≥ 25 %), {:.1} % av den lättaste sidans",
        100.0 * page / trivial,
        100.0 * page / light_page
    );
}

/// The half-year report of a satsning with 40 measures over 6 months (half-year issue
/// targets): the page, assembled from the live data as a draft is, p99 ≤ 50 ms; its Word
/// file ≤ 300 ms and its PDF ≤ 1 s. One request at a time.
async fn half_year_report(conn: &mut SendRequest<Full<Bytes>>, cookie: Option<String>) {
    let page = "/satsningar/1/halvar/2026-H1";
    let files = [
        (page.to_string(), 200, "<h1", "sidan"),
        (format!("{page}/redovisning.docx"), 40, "PK", "Word"),
        (format!("{page}/redovisning.pdf"), 20, "%PDF", "PDF"),
    ];
    for (path, rounds, starts, what) in files {
        let target = Target {
            path,
            cookie: cookie.clone(),
        };
        let body = fetch(conn, &target).await;
        let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned();
        assert!(
            text.contains(starts),
            "{} answers with its content",
            target.path
        );
        let mut timings = Vec::new();
        for round in 0..rounds + 5 {
            let t = Instant::now();
            get(conn, &target).await;
            if round >= 5 {
                timings.push(t.elapsed());
            }
        }
        report(
            &format!(
                "halvårsredovisning, {what} ({} kB) en i taget",
                body.len() / 1000
            ),
            &mut timings,
        );
    }
}

struct Target {
    path: String,
    cookie: Option<String>,
}

/// Logs in through the form and returns the session cookie (`name=value`).
async fn login(port: u16) -> String {
    let mut conn = connect(port).await;
    let body = serde_urlencoded::to_string([("epost", EMAIL), ("losenord", PASSWORD)]).unwrap();
    let request = http::Request::post("/logga-in")
        .header(http::header::HOST, format!("127.0.0.1:{port}"))
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = conn.send_request(request).await.expect("login sent");
    assert_eq!(response.status(), 303, "login");
    let cookie = response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| !v.contains("Max-Age=0"))
        .expect("session cookie");
    cookie.split(';').next().unwrap().to_string()
}

fn request(target: &Target) -> http::Request<Full<Bytes>> {
    let mut request = http::Request::get(target.path.as_str()).header(http::header::HOST, "bench");
    if let Some(cookie) = &target.cookie {
        request = request.header(http::header::COOKIE, cookie.as_str());
    }
    request.body(Full::new(Bytes::new())).unwrap()
}

/// Sends one GET and checks that it answers 200; the body is the caller's to read.
async fn send(conn: &mut SendRequest<Full<Bytes>>, target: &Target) -> Incoming {
    conn.ready().await.expect("connection ready");
    let response = conn.send_request(request(target)).await.expect("sent");
    assert_eq!(response.status(), 200, "{}", target.path);
    response.into_body()
}

/// One GET, its whole body read.
async fn fetch(conn: &mut SendRequest<Full<Bytes>>, target: &Target) -> Bytes {
    send(conn, target)
        .await
        .collect()
        .await
        .expect("body")
        .to_bytes()
}

/// One GET; reads the body as it arrives without keeping it (like `wrk`) and returns its length.
async fn get(conn: &mut SendRequest<Full<Bytes>>, target: &Target) -> usize {
    let mut body = send(conn, target).await;
    let mut length = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("body").into_data() {
            length += data.len();
        }
    }
    length
}

async fn get_text(conn: &mut SendRequest<Full<Bytes>>, target: &Target) -> String {
    String::from_utf8(fetch(conn, target).await.to_vec()).expect("UTF-8")
}

/// Keeps `CONNECTIONS` connections busy for `RUN`; prints and returns requests per second.
async fn throughput(port: u16, target: &Target) -> f64 {
    let started = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let target = Target {
                path: target.path.clone(),
                cookie: target.cookie.clone(),
            };
            tokio::spawn(async move {
                let mut conn = connect(port).await;
                let mut timings = Vec::new();
                while started.elapsed() < RUN {
                    let t = Instant::now();
                    get(&mut conn, &target).await;
                    timings.push(t.elapsed());
                }
                timings
            })
        })
        .collect();
    let mut timings = Vec::new();
    for worker in workers {
        timings.extend(worker.await.expect("worker"));
    }
    let per_second = timings.len() as f64 / started.elapsed().as_secs_f64();
    report(
        &format!(
            "{}{} {CONNECTIONS} anslutningar: {per_second:.0} anrop/s",
            target.path,
            if target.cookie.is_some() {
                " (inloggad)"
            } else {
                ""
            }
        ),
        &mut timings,
    );
    per_second
}
