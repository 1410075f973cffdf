//! Durability of participants' answers: the real server binary on a SQLite file takes
//! responses from many participants at once and is killed with SIGKILL in the middle of the
//! stream. After a restart every response that had been answered "Tack" (303) is stored, none
//! twice, and a participant who retries an acknowledged post stores nothing again.

use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::db::{Db, DbOptions};
use leptos::server_fn::ServerFn;

use crate::cli::start_demo;

/// Participants posting at once.
const PARTICIPANTS: usize = 16;
/// Acknowledged responses before the kill.
const BEFORE_KILL: usize = 150;

/// Starts the server binary in demo mode on `database_url`; returns it and its address once
/// it answers.
async fn start(database_url: &str) -> (Child, String) {
    start_demo(database_url, "warn", Stdio::inherit()).await
}

/// One participant's post: the two required answers and a free text that names the response.
fn form(token: &str, wave: i64, questions: &[i64], marker: &str) -> String {
    let fields = vec![
        (
            app::form::ACTION_FIELD.into(),
            app::survey::api::SubmitSurvey::PATH.into(),
        ),
        ("token".into(), token.into()),
        ("vag".into(), wave.to_string()),
        ("inlamning".into(), format!("{marker}-inlamning-0000000000")),
        (format!("svar[q{}]", questions[0]), "4".into()),
        (format!("svar[q{}]", questions[1]), "1".into()),
        (format!("svar[q{}]", questions[2]), marker.to_string()),
    ];
    serde_urlencoded::to_string(fields).unwrap()
}

/// How many stored answers carry each marker.
async fn stored_markers(db: &Db) -> HashMap<String, i64> {
    let rows: Vec<(String, i64)> = app::db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT text, COUNT(*) FROM survey_answer WHERE text LIKE 'svar-%' GROUP BY text",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    rows.into_iter().collect()
}

#[tokio::test]
async fn every_acknowledged_response_survives_kill_9_and_none_is_stored_twice() {
    // Arrange: the demo's open wave "Efter" and a new open link to it.
    let temp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/utfall.db?mode=rwc", temp.path().display());
    let (mut child, address) = start(&url).await;
    let db = Db::connect(&url, &DbOptions { max_connections: 2 })
        .await
        .unwrap();
    let (wave, survey): (i64, i64) = app::db_read!(&db, |pool| {
        sqlx::query_as("SELECT id, survey_id FROM survey_wave WHERE name = 'Efter'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let questions: Vec<i64> = app::survey::repo::questions(&db, survey)
        .await
        .unwrap()
        .iter()
        .map(|q| q.id)
        .collect();
    let lead: (i64, i64) = app::db_read!(&db, |pool| {
        sqlx::query_as(
            "SELECT id, organisation_id FROM user_account WHERE email = 'projektledare@exempel.se'",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    let actor = app::audit::Actor {
        user_id: lead.0,
        organisation_id: lead.1,
    };
    let token = app::survey::new_token(26);
    app::survey::repo::add_links(
        &db,
        actor,
        wave,
        std::slice::from_ref(&token),
        false,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = format!("{address}/enkat/{token}");

    // Act: participants post until the server dies; it is killed once enough were answered.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..PARTICIPANTS)
        .map(|worker| {
            let (client, page, token, questions) = (
                client.clone(),
                page.clone(),
                token.clone(),
                questions.clone(),
            );
            let acknowledged = acknowledged.clone();
            tokio::spawn(async move {
                for i in 0.. {
                    let marker = format!("svar-{worker:02}-{i:05}");
                    let sent = client
                        .post(&page)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(form(&token, wave, &questions, &marker))
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status() == 303 => {
                            acknowledged.lock().unwrap().push(marker);
                        }
                        Ok(response) => panic!("unexpected {}", response.status()),
                        // The server is gone: this participant's last post got no answer.
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < BEFORE_KILL {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let (mut restarted, address) = start(&url).await;

    // Assert: every acknowledged response is there once; nothing is there twice.
    let stored = stored_markers(&db).await;
    for marker in &acknowledged {
        assert_eq!(stored.get(marker), Some(&1), "{marker} acknowledged");
    }
    assert!(stored.values().all(|&n| n == 1), "none twice: {stored:?}");
    let responses = app::survey::repo::response_count(&db, wave).await.unwrap();
    assert_eq!(
        responses as usize,
        17 + stored.len(),
        "the demo's 17 and one per stored marker"
    );
    // A retry of an acknowledged post after the restart is thanked and stores nothing.
    let page = format!("{address}/enkat/{token}");
    for marker in acknowledged.iter().take(5) {
        let again = client
            .post(&page)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&token, wave, &questions, marker))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 303);
    }
    assert_eq!(stored_markers(&db).await, stored);
    restarted.kill().unwrap();
    restarted.wait().unwrap();
}
