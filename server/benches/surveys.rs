//! Benchmark of durable survey submissions: the real server (release build, whole middleware
//! stack, the participant's plain form post to `/enkat/{token}`) on an embedded SQLite file with
//! `synchronous=FULL`, 32 participants at once, each on its own HTTP/1.1 keep-alive connection,
//! each response answering 10 questions. An answer counts when the server says 303 → "Tack",
//! which it does only after the response's commit (group commit, `app::survey::writer`).
//!
//! Beside it, in the same run and on the same file: the naive rate, one transaction per
//! response (`repo::store_response`) from 32 tasks in-process without HTTP, and the group
//! commit in-process, so the gain of batching shows apart from the HTTP cost.
//!
//! Target (survey issue): ≥ 3 000 responses/s sustained, p99 ≤ 20 ms at 32 participants.
//! Run: `cargo bench -p server --bench surveys` (`UTFALL_BENCH_SECS` sets the run length,
//! default 10). It prints its measurements and asserts only that every post was answered 303
//! and that the database holds exactly the acknowledged responses.

use std::time::{Duration, Instant};

use app::audit::Actor;
use app::db::{Db, DbOptions};
use app::report::Period;
use app::survey::QuestionForm;
use app::survey::repo::Pending;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use leptos::server_fn::ServerFn;
use server::config::Config;

mod common;

use common::{connect, report};

/// Participants answering at once.
const PARTICIPANTS: usize = 32;

/// The survey under test: its wave, its open link and its ten questions.
#[derive(Clone)]
struct Fixture {
    wave: i64,
    link_id: i64,
    token: String,
    /// (question id, an answer) for each of the ten questions.
    answers: Vec<(i64, String)>,
}

fn main() {
    let secs: u64 = std::env::var("UTFALL_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let run = Duration::from_secs(secs);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    let load = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("load runtime");
    let fixture = load.block_on(prepare(&url));

    let config = Config {
        addr: ([127, 0, 0, 1], 0).into(),
        database_url: url.clone().into(),
        mail_dir: dir.path().join("mail"),
        log: "off".into(),
        background_jobs: false,
        ..Config::default()
    };
    let port = common::start_server(config);
    load.block_on(async {
        println!(
            "{PARTICIPANTS} deltagare samtidigt, {} frågor per svar, synchronous=FULL, {secs} s per körning",
            fixture.answers.len()
        );
        // Warm-up, then the measured run.
        let db = Db::connect(&url, &DbOptions { max_connections: 2 })
            .await
            .expect("database");
        over_http(port, &fixture, Duration::from_secs(2), "uppvärmning", "varm").await;
        let before = responses(&db, fixture.wave).await;
        let acknowledged = over_http(port, &fixture, run, "HTTP, gruppcommit", "http").await;
        let stored = responses(&db, fixture.wave).await - before;
        assert_eq!(
            stored, acknowledged,
            "the database holds exactly the acknowledged responses"
        );
        in_process(&db, &fixture, run, false).await;
        in_process(&db, &fixture, run, true).await;
    });
}

/// One kommun with one satsning (the benchmarks' seed), a survey with ten questions (six on
/// the 1–5 scale, two ja/nej, a number, a free text), a wave open today and an open link.
async fn prepare(url: &str) -> Fixture {
    let db = Db::connect(url, &DbOptions { max_connections: 2 })
        .await
        .expect("database");
    common::seed(&db, 1, 1, Period::parse("2022-01").expect("period")).await;
    println!(
        "data: 1 kommun × 1 satsning × {} mått × {} månader",
        common::MEASURES,
        common::MONTHS
    );
    let lead = Actor {
        user_id: 1,
        organisation_id: 1,
    };
    let now = chrono::Utc::now();
    let survey = app::survey::repo::create(&db, lead, 1, "Bänkprov", "", false, now)
        .await
        .expect("survey");
    let mut answers = Vec::new();
    for i in 0..10 {
        let (kind, answer) = match i {
            0..6 => ("likert", "4"),
            6 | 7 => ("janej", "1"),
            8 => ("tal", "17"),
            _ => ("fritext", "Det fungerar bra för mig."),
        };
        let form = QuestionForm {
            kind: kind.into(),
            text: format!("Fråga {}", i + 1),
            required: i < 6,
            min: if kind == "tal" {
                "0".into()
            } else {
                String::new()
            },
            max: if kind == "tal" {
                "120".into()
            } else {
                String::new()
            },
            ..QuestionForm::default()
        };
        let input = form.parse(&[]).expect("question");
        let id = app::survey::repo::add_question(&db, lead, survey, &input, now)
            .await
            .expect("question");
        answers.push((id, answer.to_string()));
    }
    let today = app::sv::time::local_date(now);
    let wave = app::survey::repo::add_wave(
        &db,
        lead,
        survey,
        (
            "Före",
            today - chrono::Duration::days(1),
            today + chrono::Duration::days(30),
        ),
        now,
    )
    .await
    .expect("wave");
    let token = app::survey::new_token(26);
    app::survey::repo::add_links(&db, lead, wave, std::slice::from_ref(&token), false, now)
        .await
        .expect("link");
    let no_key = app::survey::panel::PanelKey::default();
    let today = app::sv::time::local_date(now);
    let link_id = app::survey::repo::find_link(&db, &token, &no_key, today)
        .await
        .expect("link")
        .expect("the link")
        .link_id;
    db.close().await;
    Fixture {
        wave,
        link_id,
        token,
        answers,
    }
}

async fn responses(db: &Db, wave: i64) -> u64 {
    app::survey::repo::response_count(db, wave)
        .await
        .expect("count")
}

/// The participant's form post, as a browser without JavaScript sends it.
fn body(fixture: &Fixture, submission: &str) -> Bytes {
    let mut fields = vec![
        (
            app::form::ACTION_FIELD.to_string(),
            app::survey::api::SubmitSurvey::PATH.to_string(),
        ),
        ("token".into(), fixture.token.clone()),
        ("vag".into(), fixture.wave.to_string()),
        ("inlamning".into(), submission.to_string()),
    ];
    for (id, answer) in &fixture.answers {
        fields.push((format!("svar[q{id}]"), answer.clone()));
    }
    Bytes::from(serde_urlencoded::to_string(fields).expect("form"))
}

/// `PARTICIPANTS` connections post responses for `run`; prints the rate and latencies and
/// returns how many were acknowledged.
async fn over_http(port: u16, fixture: &Fixture, run: Duration, what: &str, tag: &str) -> u64 {
    let started = Instant::now();
    let path = format!("/enkat/{}", fixture.token);
    let workers: Vec<_> = (0..PARTICIPANTS)
        .map(|worker| {
            let (path, fixture, tag) = (path.clone(), fixture.clone(), tag.to_string());
            tokio::spawn(async move {
                let mut conn = connect(port).await;
                let mut timings = Vec::new();
                let mut i = 0u64;
                while started.elapsed() < run {
                    let request = http::Request::post(path.as_str())
                        .header(http::header::HOST, "bench")
                        .header(
                            http::header::CONTENT_TYPE,
                            "application/x-www-form-urlencoded",
                        )
                        .body(Full::new(body(
                            &fixture,
                            &format!("{tag}-{worker:02}-{i:020}"),
                        )))
                        .unwrap();
                    let t = Instant::now();
                    conn.ready().await.expect("connection ready");
                    let response = conn.send_request(request).await.expect("sent");
                    let status = response.status();
                    let _ = response.into_body().collect().await.expect("body");
                    timings.push(t.elapsed());
                    assert_eq!(status, 303, "a response is acknowledged with 303");
                    i += 1;
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
    report(&format!("{what}: {per_second:.0} svar/s"), &mut timings);
    timings.len() as u64
}

/// `PARTICIPANTS` tasks store responses in-process for `run`, one transaction per response
/// (naive) or through the group-commit writer.
async fn in_process(db: &Db, fixture: &Fixture, run: Duration, grouped: bool) {
    let writer = app::survey::writer::ResponseWriter::start(db.clone());
    let started = Instant::now();
    let day = app::sv::time::local_date(chrono::Utc::now());
    let answers: Vec<app::survey::Answer> = fixture
        .answers
        .iter()
        .map(|(id, answer)| app::survey::Answer {
            question_id: *id,
            number: answer.parse().ok(),
            text: answer.parse::<f64>().is_err().then(|| answer.clone()),
        })
        .collect();
    let label = if grouped {
        "i processen, gruppcommit"
    } else {
        "i processen, en transaktion per svar (naivt)"
    };
    let workers: Vec<_> = (0..PARTICIPANTS)
        .map(|worker| {
            let (db, writer, answers) = (db.clone(), writer.clone(), answers.clone());
            let (wave, link_id) = (fixture.wave, fixture.link_id);
            tokio::spawn(async move {
                let mut timings = Vec::new();
                let mut i = 0u64;
                while started.elapsed() < run {
                    let pending = Pending {
                        wave_id: wave,
                        link_id,
                        single_use: false,
                        pseudonym: None,
                        submission: format!("{grouped}-{worker:02}-{i:020}"),
                        answers: answers.clone(),
                        day,
                        source: "webb",
                    };
                    let t = Instant::now();
                    let stored = if grouped {
                        writer.store(pending).await
                    } else {
                        app::survey::repo::store_response(&db, &pending).await
                    };
                    timings.push(t.elapsed());
                    assert_eq!(stored, Ok(app::survey::repo::Stored::New));
                    i += 1;
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
    report(&format!("{label}: {per_second:.0} svar/s"), &mut timings);
}
