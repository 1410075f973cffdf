//! The session cache: an instance trusts a session it validated for a moment (here for a
//! minute, so that only the revocation path can make these tests pass), and whatever ends a
//! session or changes its user reaches that instance at once and, on PostgreSQL, the other
//! instances through `NOTIFY` within a second.

use std::time::{Duration, Instant};

use app::auth::api::UpdateUser;
use app::auth::{Role, UserForm};
use reqwest::StatusCode;
use server::config::Config;

use crate::builders::{PASSWORD, TestUser, UserBuilder};
use crate::helpers::{Backend, TestApp, postgres_database, spawn_app_with};

fn trust_for_a_minute(config: &mut Config) {
    config.session_cache = Duration::from_secs(60);
}

/// Logs `user` in on `app` and returns the session cookie (`name=value`).
async fn session_cookie(app: &TestApp, user: &TestUser) -> String {
    let response = app.with_new_client().login(&user.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set = response.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    set.split(';').next().unwrap().to_string()
}

/// `path` on `app` with exactly `cookie`, as a browser that kept it would send it.
async fn get_with(app: &TestApp, cookie: &str, path: &str) -> StatusCode {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", app.address))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .status()
}

/// Polls until `path` answers `wanted` with `cookie`, for at most one second.
async fn answers_within_a_second(app: &TestApp, cookie: &str, path: &str, wanted: StatusCode) {
    let started = Instant::now();
    loop {
        let status = get_with(app, cookie, path).await;
        if status == wanted {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{path} still answers {status}, not {wanted}, a second after the change"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// `/fonden` is for läsare, not for projektledare: it shows which roles a session has.
const READERS_ONLY: &str = "/fonden";

async fn make_project_lead(admin: &TestApp, user: &TestUser) {
    let form = UpdateUser {
        id: user.id,
        user: UserForm {
            name: "Test Läsare".into(),
            email: user.email.clone(),
            roles: vec![Role::ProjectLead],
            active: true,
        },
    };
    let saved = admin
        .submit(&format!("/admin/anvandare/{}", user.id), &form)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
}

async fn log_out(app: &TestApp, cookie: &str) {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/logga-ut", app.address))
        .header(reqwest::header::COOKIE, cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

/// `a` and `b` are two instances on one database, or the same instance twice.
async fn revocations_reach_every_instance(a: &TestApp, b: &TestApp) {
    let (_, admin) = UserBuilder::with_role(Role::Admin).login(a).await;
    let reader = UserBuilder::with_role(Role::Reader).create(a).await;
    let cookie = session_cookie(a, &reader).await;
    // Both instances have validated (and cached) the session.
    assert_eq!(get_with(a, &cookie, READERS_ONLY).await, StatusCode::OK);
    assert_eq!(get_with(b, &cookie, READERS_ONLY).await, StatusCode::OK);

    // A changed role is read at once on `a`, and on `b` within a second.
    make_project_lead(&admin, &reader).await;
    assert_eq!(
        get_with(a, &cookie, READERS_ONLY).await,
        StatusCode::FORBIDDEN
    );
    answers_within_a_second(b, &cookie, READERS_ONLY, StatusCode::FORBIDDEN).await;

    // Logging out on `a` ends the session on `b` too.
    assert_eq!(get_with(b, &cookie, "/").await, StatusCode::OK);
    log_out(a, &cookie).await;
    assert_eq!(get_with(a, &cookie, "/profil").await, StatusCode::SEE_OTHER);
    answers_within_a_second(b, &cookie, "/profil", StatusCode::SEE_OTHER).await;
}

#[tokio::test]
async fn an_instance_forgets_a_revoked_session_at_once() {
    let app = spawn_app_with(Backend::Sqlite, trust_for_a_minute).await;
    revocations_reach_every_instance(&app, &app).await;
}

#[tokio::test]
async fn a_logout_on_one_instance_refuses_the_cookie_on_another_within_a_second() {
    let Some(url) = postgres_database().await else {
        return;
    };
    let a = spawn_app_with(Backend::Postgres(url.clone()), trust_for_a_minute).await;
    let b = spawn_app_with(Backend::Postgres(url), trust_for_a_minute).await;
    revocations_reach_every_instance(&a, &b).await;
}
