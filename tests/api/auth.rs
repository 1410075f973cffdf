//! Accounts, sessions, access and the audit trail.

use app::auth::Role;
use app::db::Db;
use app::demo::{DEMO_ACCOUNTS, DEMO_PASSWORD};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp, spawn_app_with, spawn_demo_app};

fn session_cookie(response: &reqwest::Response) -> String {
    let header = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("utfall_session="))
        .expect("a session cookie is set");
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Strict"), "{header}");
    header.split(';').next().unwrap().to_string()
}

async fn count_audit(db: &Db, action: &str) -> i64 {
    app::db_read!(db, |pool| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_event WHERE action = $1")
            .bind(action)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

/// A fresh client (no cookies) against the same app, optionally sending `cookie`.
async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", app.address))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn each_demo_role_logs_in_to_its_own_start_page() {
    let app = spawn_demo_app().await;
    for (email, name, role) in DEMO_ACCOUNTS {
        let client_app = app.with_new_client();
        // Act
        let response = client_app.login(email, DEMO_PASSWORD).await;
        // Assert
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email}");
        assert_eq!(
            response.headers()["location"],
            app::auth::start_page(&[role]),
            "{email}"
        );
        session_cookie(&response);
        let start = client_app.get("/").await;
        assert_eq!(start.headers()["cache-control"], "no-store");
        let html = start.text().await.unwrap();
        assert!(html.contains(&format!("Välkommen, {name}")), "{email}");
        assert!(html.contains("Logga ut"));
        let admin_link = html.contains(r#"href="/admin/anvandare""#);
        assert_eq!(admin_link, role == Role::Admin, "{email}: admin link");
    }
    assert_eq!(count_audit(&app.db, "login").await, 5);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = spawn_demo_app().await;
    let unknown = app.login("ingen@exempel.se", "något-lösenord").await;
    let wrong = app.login("admin@exempel.se", "fel-lösenord").await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(unknown.headers().get("set-cookie").is_none());
    let unknown = unknown.text().await.unwrap();
    let wrong = wrong.text().await.unwrap();
    let message = "Fel e-postadress eller lösenord";
    assert!(unknown.contains(message) && wrong.contains(message));
    // The typed e-mail is kept; the password never comes back.
    assert!(wrong.contains(r#"value="admin@exempel.se""#));
    assert!(!wrong.contains("fel-lösenord"));
    assert_eq!(count_audit(&app.db, "login_failed").await, 2);
}

#[tokio::test]
async fn empty_login_form_is_a_swedish_400() {
    let app = spawn_demo_app().await;
    let response = app
        .post_form("/logga-in", &[("epost", "admin@exempel.se")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Fyll i både e-postadress och lösenord.")
    );
}

#[tokio::test]
async fn session_id_is_rotated_at_login_and_old_cookie_dies() {
    let app = spawn_demo_app().await;
    let first = session_cookie(&app.login("beredning@exempel.se", DEMO_PASSWORD).await);
    let second = session_cookie(&app.login("beredning@exempel.se", DEMO_PASSWORD).await);
    assert_ne!(first, second);
    let old = get_with_cookie(&app, "/", &first)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !old.contains("Välkommen, Berit"),
        "the pre-login session still works"
    );
    let new = get_with_cookie(&app, "/", &second)
        .await
        .text()
        .await
        .unwrap();
    assert!(new.contains("Välkommen, Berit"));
}

#[tokio::test]
async fn logout_ends_the_session_even_for_a_replayed_cookie() {
    let app = spawn_demo_app().await;
    let cookie = session_cookie(&app.login("admin@exempel.se", DEMO_PASSWORD).await);
    assert_eq!(
        get_with_cookie(&app, "/admin/anvandare", &cookie)
            .await
            .status(),
        200
    );

    // Act
    let response = app.post_form("/logga-ut", &[]).await;

    // Assert
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/logga-in?utloggad=1");
    let replay = get_with_cookie(&app, "/admin/anvandare", &cookie).await;
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert!(
        replay.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/logga-in")
    );
    assert_eq!(count_audit(&app.db, "logout").await, 1);
}

#[tokio::test]
async fn five_failures_lock_the_account() {
    let app = spawn_demo_app().await;
    for _ in 0..app::auth::LOCKOUT_THRESHOLD {
        assert_eq!(
            app.login("lasare@exempel.se", "fel-lösenord")
                .await
                .status(),
            400
        );
    }
    // Even the right password is refused while locked, with the same answer.
    let locked = app.login("lasare@exempel.se", DEMO_PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::BAD_REQUEST);
    assert!(locked.text().await.unwrap().contains("tillfälligt låst"));
    // Other accounts are unaffected.
    assert_eq!(
        app.login("admin@exempel.se", DEMO_PASSWORD).await.status(),
        303
    );
}

#[tokio::test]
async fn too_many_attempts_from_one_address_get_429() {
    let app = spawn_app_with(Backend::Sqlite, |config| {
        config.demo = true;
        config.login_attempts_per_minute = 3;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            app.login("ingen@exempel.se", "x-x-x-x-x").await.status(),
            400
        );
    }
    let response = app.login("admin@exempel.se", DEMO_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("För många inloggningsförsök")
    );
}

/// Role × route: every page and server function that exists, for anonymous and each role.
/// Later issues add their rows here.
#[tokio::test]
async fn role_route_matrix() {
    use Role::*;
    let app = spawn_demo_app().await;
    let admin_id: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM user_account WHERE email_key = 'admin@exempel.se'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let everyone: &[Role] = &[Admin, Evaluator, Review, ProjectLead, Reader];
    let user_page = format!("/admin/anvandare/{admin_id}");
    let history_page = format!("/historik/user_account/{admin_id}");
    let id_arg = admin_id.to_string();
    let id_args = [("id", id_arg.as_str())];
    let history_args = [("typ", "user_account"), ("id", id_arg.as_str())];
    // (GET page or POST server fn, path, form fields, roles allowed; public pages allow all).
    let idea: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM initiative WHERE status = 'ide'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let idea_page = format!("/satsningar/{idea}");
    let idea_edit = format!("/satsningar/{idea}/redigera");
    let idea_calendar = format!("/satsningar/{idea}/rapportera");
    let idea_arg = idea.to_string();
    let idea_args = [("id", idea_arg.as_str())];
    let staff_and_lead: &[Role] = &[Admin, Evaluator, ProjectLead];
    // (page, roles allowed; `None` = public, also without login). The demo projektledare
    // leads the satsning in status idé, so may open and edit it.
    let pages: Vec<(&str, Option<&[Role]>)> = vec![
        ("/", None),
        ("/tillganglighet", None),
        ("/logga-in", None),
        ("/admin/anvandare", Some(&[Admin])),
        ("/admin/anvandare/ny", Some(&[Admin])),
        (&user_page, Some(&[Admin])),
        // Accounts' histories (logins, roles) are admin's, like user administration.
        (&history_page, Some(&[Admin])),
        ("/parter", Some(&[Admin, Evaluator])),
        ("/satsningar", Some(everyone)),
        ("/satsningar/ny", Some(staff_and_lead)),
        (&idea_page, Some(everyone)),
        (&idea_edit, Some(staff_and_lead)),
        (&idea_calendar, Some(everyone)),
        ("/rapportering", Some(&[Admin, Review, Evaluator])),
        ("/oversikt", Some(everyone)),
        ("/indikatorer", Some(&[Admin, Evaluator])),
    ];
    type Fields<'a> = &'a [(&'a str, &'a str)];
    let functions: Vec<(&str, Fields, &[Role])> = vec![
        (app::auth::api::ListUsers::PATH, &[], &[Admin]),
        (app::auth::api::GetUser::PATH, &id_args, &[Admin]),
        (
            app::history::api::ObjectHistory::PATH,
            &history_args,
            &[Admin],
        ),
        (
            app::pages::initiative::InitiativeView::PATH,
            &idea_args,
            everyone,
        ),
        (app::initiative::api::FormOptions::PATH, &[], staff_and_lead),
        (app::party::api::ListParties::PATH, &[], &[Admin, Evaluator]),
        (
            app::party::api::PartyRegister::PATH,
            &[],
            &[Admin, Evaluator],
        ),
        (app::report::api::ReportCalendar::PATH, &idea_args, everyone),
        (
            app::report::api::ReportOverview::PATH,
            &[],
            &[Admin, Review, Evaluator],
        ),
    ];

    let mut who: Vec<(&str, Option<Role>)> = vec![("anonym", None)];
    who.extend(
        DEMO_ACCOUNTS
            .iter()
            .map(|(email, _, role)| (*email, Some(*role))),
    );
    let mut denials = 0;
    for (email, role) in who {
        let user = app.with_new_client();
        if role.is_some() {
            assert_eq!(user.login(email, DEMO_PASSWORD).await.status(), 303);
        }
        for (path, allowed) in &pages {
            let response = user.get(path).await;
            let expected = match (allowed, role) {
                (None, _) => StatusCode::OK,
                (Some(_), None) => StatusCode::SEE_OTHER,
                (Some(allowed), Some(role)) if allowed.contains(&role) => StatusCode::OK,
                (Some(_), Some(_)) => StatusCode::FORBIDDEN,
            };
            assert_eq!(response.status(), expected, "{email} GET {path}");
            if expected == StatusCode::SEE_OTHER {
                assert!(
                    response.headers()["location"]
                        .to_str()
                        .unwrap()
                        .starts_with("/logga-in?nasta=/"),
                    "{email} {path}"
                );
            }
            if expected == StatusCode::FORBIDDEN {
                denials += 1;
                let html = response.text().await.unwrap();
                assert!(html.contains("Åtkomst nekad"), "{email} {path}");
                // Another user's data never reaches a refused page.
                assert!(
                    !html.contains("admin@exempel.se"),
                    "{email} {path} leaks data"
                );
            }
        }
        for (path, fields, allowed) in &functions {
            let response = user.post_form(path, fields).await;
            let expected = match role {
                None => StatusCode::UNAUTHORIZED,
                Some(role) if allowed.contains(&role) => StatusCode::OK,
                Some(_) => StatusCode::FORBIDDEN,
            };
            assert_eq!(response.status(), expected, "{email} POST {path}");
            if expected == StatusCode::FORBIDDEN {
                denials += 1;
                assert!(!response.text().await.unwrap().contains("admin@exempel.se"));
            }
        }
    }
    // Every denial is in the audit trail.
    assert_eq!(count_audit(&app.db, "access_denied").await, denials);
}

#[tokio::test]
async fn cross_site_login_post_is_refused() {
    let app = spawn_demo_app().await;
    let response = app
        .client
        .post(format!("{}/logga-in", app.address))
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("epost=admin%40exempel.se&losenord=utfall-demo")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn failed_change_leaves_no_audit_row_and_audit_is_append_only() {
    let app = spawn_demo_app().await;
    let before = count_audit(&app.db, "create").await;
    let accounts: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_event WHERE action = 'create' AND object_type = 'user_account'",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert_eq!(accounts, 5, "one audit row per demo account");

    // A change that fails half-way (duplicate e-mail) rolls back with its audit row.
    let organisation_id: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM organisation")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let duplicate = app::auth::repo::NewUser {
        organisation_id,
        name: "Dubblett".into(),
        email: "ADMIN@exempel.se".into(),
        password_hash: "x".into(),
        roles: vec![Role::Admin],
    };
    let error = app::auth::repo::create_user(&app.db, None, &duplicate, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(error.message_for("user[email]").is_some());
    assert_eq!(count_audit(&app.db, "create").await, before);

    // The database itself refuses to rewrite history.
    let tampering = app::db_write!(&app.db, |pool| {
        sqlx::query("UPDATE audit_event SET action = 'x'")
            .execute(pool)
            .await
            .map(|_| ())
    });
    assert!(tampering.is_err());
    let deleting = app::db_write!(&app.db, |pool| {
        sqlx::query("DELETE FROM audit_event")
            .execute(pool)
            .await
            .map(|_| ())
    });
    assert!(deleting.is_err());
}

#[tokio::test]
async fn accounts_work_on_postgres_too() {
    let Some(url) = crate::helpers::postgres_database().await else {
        return;
    };
    let app = spawn_app_with(Backend::Postgres(url), |config| config.demo = true).await;
    let cookie = session_cookie(&app.login("ADMIN@exempel.se", DEMO_PASSWORD).await);
    let page = get_with_cookie(&app, "/admin/anvandare", &cookie).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("projektledare@exempel.se")
    );
    let tampering = app::db_write!(&app.db, |pool| {
        sqlx::query("DELETE FROM audit_event")
            .execute(pool)
            .await
            .map(|_| ())
    });
    assert!(
        tampering.is_err(),
        "audit trail is append-only on PostgreSQL"
    );
}

#[tokio::test]
async fn idle_and_absolute_session_limits_end_sessions() {
    use app::auth::session::{SessionPolicy, create, lookup};
    use chrono::{TimeDelta, Utc};
    use std::time::Duration;
    let app = spawn_demo_app().await;
    let user_id: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM user_account WHERE email_key = 'lasare@exempel.se'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let policy = SessionPolicy {
        idle: Duration::from_secs(30 * 60),
        absolute: Duration::from_secs(8 * 3600),
    };
    let start = Utc::now();
    let token = create(&app.db, user_id, policy, start).await.unwrap();

    // Active within the idle limit: alive, and each use pushes the idle limit forward.
    let mut now = start;
    for _ in 0..4 {
        now += TimeDelta::minutes(25);
        assert!(
            lookup(&app.db, &token, policy, now)
                .await
                .unwrap()
                .is_some()
        );
    }
    // Idle too long: gone, and stays gone.
    let idle = now + TimeDelta::minutes(31);
    assert!(
        lookup(&app.db, &token, policy, idle)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        lookup(&app.db, &token, policy, now)
            .await
            .unwrap()
            .is_none()
    );

    // Absolute lifetime: even a busy session ends.
    let token = create(&app.db, user_id, policy, start).await.unwrap();
    let mut now = start;
    while now < start + TimeDelta::hours(8) - TimeDelta::minutes(10) {
        now += TimeDelta::minutes(10);
        assert!(
            lookup(&app.db, &token, policy, now)
                .await
                .unwrap()
                .is_some()
        );
    }
    now += TimeDelta::minutes(10);
    assert!(
        lookup(&app.db, &token, policy, now)
            .await
            .unwrap()
            .is_none()
    );
}
