//! Account administration: create, edit, deactivate, password links, Historik.

use app::auth::api::{CreateUser, SendPasswordLink, SetPassword, UpdateUser};
use app::auth::{Role, UserForm};
use app::demo::DEMO_PASSWORD;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_demo_app};
use crate::mail::wait_for_mail;

async fn user_count(app: &TestApp) -> i64 {
    app::auth::repo::count(&app.db).await.unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM user_account WHERE email_key = $1")
            .bind(email)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

/// The password link in the newest mail to `to`.
async fn mailed_link(app: &TestApp, to: &str) -> String {
    let raw = wait_for_mail(&app.mail_dir, to).await;
    let body = mailparse::parse_mail(&raw).unwrap().get_body().unwrap();
    let start = body.find("/losenord/").expect("link in mail");
    let token: String = body[start + "/losenord/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("/losenord/{token}")
}

/// The user form with these details and roles (and "Aktivt konto" ticked when `active`).
fn user(name: &str, email: &str, roles: &[Role], active: bool) -> UserForm {
    UserForm {
        name: name.into(),
        email: email.into(),
        roles: roles.to_vec(),
        active,
    }
}

async fn create(admin: &TestApp, name: &str, email: &str, roles: &[Role]) -> reqwest::Response {
    let form = CreateUser {
        user: user(name, email, roles, false),
    };
    admin.submit("/admin/anvandare/ny", &form).await
}

/// The "Välj lösenord" form for the link with `token`.
fn choose(token: &str, password: &str, again: &str) -> SetPassword {
    SetPassword {
        token: token.into(),
        losenord: password.into(),
        losenord2: again.into(),
    }
}

#[tokio::test]
async fn new_user_chooses_a_password_through_the_mailed_link_and_logs_in() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;

    // Act: the admin creates an account without JavaScript.
    let response = create(
        &admin,
        "Anna Berg",
        "Anna.Berg@Orebro.se",
        &[Role::ProjectLead],
    )
    .await;

    // Assert: redirected to the new user's page, which says a mail went out.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?skapad=1"), "{location}");
    let page = admin.get(&location).await.text().await.unwrap();
    assert!(page.contains("har fått ett mejl"));
    assert!(page.contains("Anna Berg"));

    let link = mailed_link(&app, "Anna.Berg@Orebro.se").await;
    let visitor = app.with_new_client();
    assert_eq!(visitor.get(&link).await.status(), 200);

    // A mismatch is a field error and keeps nothing secret in the page.
    let mismatch = visitor
        .submit(
            &link,
            &choose(&link[10..], "blåbär i skogen", "lingon i skogen"),
        )
        .await;
    assert_eq!(mismatch.status(), StatusCode::BAD_REQUEST);
    let html = mismatch.text().await.unwrap();
    assert!(html.contains("Lösenorden är inte likadana"));
    assert!(!html.contains("blåbär"));

    let common = visitor
        .submit(&link, &choose(&link[10..], "sommar2026", "sommar2026"))
        .await;
    assert_eq!(common.status(), StatusCode::BAD_REQUEST);
    assert!(common.text().await.unwrap().contains("vanligaste"));

    let chosen = visitor
        .submit(
            &link,
            &choose(&link[10..], "blåbär i skogen", "blåbär i skogen"),
        )
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(chosen.headers()["location"], "/logga-in?losenord=1");

    // E-mail is case-insensitive at login.
    assert_eq!(
        visitor
            .login("anna.berg@orebro.se", "blåbär i skogen")
            .await
            .status(),
        303
    );
    let start = visitor.get("/").await.text().await.unwrap();
    assert!(start.contains("Välkommen, Anna Berg"));

    // The link works once.
    let again = app
        .with_new_client()
        .submit(
            &link,
            &choose(&link[10..], "hallon i skogen", "hallon i skogen"),
        )
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("Länken fungerar inte längre")
    );
}

#[tokio::test]
async fn bad_input_gets_swedish_field_errors_keeps_typing_and_saves_nothing() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let before = user_count(&app).await;

    let cases: Vec<(String, String, Vec<Role>, Vec<&str>)> = vec![
        (
            "".into(),
            "anna@orebro.se".into(),
            vec![Role::Reader],
            vec!["Ange personens namn."],
        ),
        (
            "Anna".into(),
            "inte-en-adress".into(),
            vec![Role::Reader],
            vec!["Ange en e-postadress"],
        ),
        (
            "Anna".into(),
            "anna@orebro.se".into(),
            vec![],
            vec!["Välj minst en roll."],
        ),
        (
            "x".repeat(10_000),
            "anna@orebro.se".into(),
            vec![Role::Reader],
            vec!["högst 120 tecken"],
        ),
        (
            "Anna".into(),
            "ADMIN@exempel.se".into(),
            vec![Role::Reader],
            vec!["finns redan ett konto"],
        ),
    ];
    for (name, email, roles, messages) in cases {
        let response = create(&admin, &name, &email, &roles).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{email}");
        let html = response.text().await.unwrap();
        for message in messages {
            assert!(html.contains(message), "missing {message:?}");
        }
        assert!(
            html.contains(&format!(r#"value="{email}""#)),
            "typed e-mail kept"
        );
    }

    // Script in a name is stored and shown as text, never run.
    let response = create(&admin, "<script>alert(1)</script>", "", &[Role::Reader]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));

    assert_eq!(user_count(&app).await, before, "nothing saved");
}

#[tokio::test]
async fn deactivating_ends_sessions_and_blocks_login_and_is_in_history() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let reader = app.with_new_client();
    assert_eq!(
        reader
            .login("lasare@exempel.se", DEMO_PASSWORD)
            .await
            .status(),
        303
    );
    let id = user_id(&app, "lasare@exempel.se").await;
    let path = format!("/admin/anvandare/{id}");

    // Act: untick "Aktivt konto" and save.
    let form = UpdateUser {
        id,
        user: user(
            "Lars Läsare (exempel)",
            "lasare@exempel.se",
            &[Role::Reader],
            false,
        ),
    };
    let response = admin.submit(&path, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Assert
    let start = reader.get("/").await.text().await.unwrap();
    assert!(
        !start.contains("Välkommen, Lars"),
        "session survived deactivation"
    );
    assert_eq!(
        reader
            .login("lasare@exempel.se", DEMO_PASSWORD)
            .await
            .status(),
        400
    );
    let history = admin.get(&format!("/historik/user_account/{id}")).await;
    assert_eq!(history.status(), 200);
    let html = history.text().await.unwrap();
    assert!(html.contains("Aktivt konto: ja → nej"), "{html}");
    assert!(html.contains("Alva Admin (exempel)"));
}

#[tokio::test]
async fn a_new_password_ends_the_other_sessions() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let planner = app.with_new_client();
    assert_eq!(
        planner
            .login("beredning@exempel.se", DEMO_PASSWORD)
            .await
            .status(),
        303
    );
    let id = user_id(&app, "beredning@exempel.se").await;
    let sent = admin
        .submit(&format!("/admin/anvandare/{id}"), &SendPasswordLink { id })
        .await;
    assert_eq!(
        sent.headers()["location"].to_str().unwrap(),
        format!("/admin/anvandare/{id}?lank=skickad")
    );
    let link = mailed_link(&app, "beredning@exempel.se").await;
    let chosen = app
        .with_new_client()
        .submit(
            &link,
            &choose(&link[10..], "nytt långt lösenord", "nytt långt lösenord"),
        )
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    let start = planner.get("/").await.text().await.unwrap();
    assert!(
        !start.contains("Välkommen, Berit"),
        "old session survived the password change"
    );
    assert_eq!(
        planner
            .login("beredning@exempel.se", DEMO_PASSWORD)
            .await
            .status(),
        400
    );
    assert_eq!(
        planner
            .login("beredning@exempel.se", "nytt långt lösenord")
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn expired_link_is_refused() {
    let app = spawn_demo_app().await;
    let id = user_id(&app, "lasare@exempel.se").await;
    let org: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM organisation")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let token = app::auth::repo::create_password_link(
        &app.db,
        None,
        org,
        id,
        chrono::TimeDelta::hours(2),
        chrono::Utc::now() - chrono::TimeDelta::hours(3),
        None,
    )
    .await
    .unwrap();
    let link = format!("/losenord/{token}");
    let response = app
        .submit(&link, &choose(&token, "hallon i skogen", "hallon i skogen"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Länken fungerar inte längre")
    );
}

#[tokio::test]
async fn admin_cannot_lock_themself_out() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let id = user_id(&app, "admin@exempel.se").await;
    let form = UpdateUser {
        id,
        user: user("Alva", "admin@exempel.se", &[Role::Admin], false),
    };
    let response = admin.submit(&format!("/admin/anvandare/{id}"), &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Du kan inte inaktivera ditt eget konto.")
    );
    // Nothing changed, not even the name that was valid.
    let name: String = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT name FROM user_account WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(name, "Alva Admin (exempel)");
}

#[tokio::test]
async fn another_organisations_user_is_invisible_and_untouchable() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    // Arrange: a second organisation with its own user.
    let other = app::organisation::repo::create(
        &app.db,
        &app::organisation::OrganisationInput::parse("0380", "Uppsala kommun", "kommun").unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let stranger = app::auth::repo::NewUser {
        organisation_id: other.id,
        name: "Uppsala Admin".into(),
        email: "admin@uppsala.example".into(),
        password_hash: "x".into(),
        roles: vec![app::auth::Role::Admin],
    };
    let id = app::auth::repo::create_user(&app.db, None, &stranger, chrono::Utc::now())
        .await
        .unwrap();

    // Act / Assert: not listed, not readable, not changeable, no history.
    let list = admin.get("/admin/anvandare").await.text().await.unwrap();
    assert!(!list.contains("uppsala.example"));
    let page = admin.get(&format!("/admin/anvandare/{id}")).await;
    let status = page.status();
    let html = page.text().await.unwrap();
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "{}",
        html.split("<main").nth(1).unwrap_or("")
    );
    assert!(!html.contains("uppsala.example"));
    let form = UpdateUser {
        id,
        user: user("Kapad", "admin@uppsala.example", &[Role::Reader], false),
    };
    let change = admin.submit(&format!("/admin/anvandare/{id}"), &form).await;
    assert_eq!(change.status(), StatusCode::NOT_FOUND);
    let name: String = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT name FROM user_account WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(name, "Uppsala Admin");
    let history = admin
        .get(&format!("/historik/user_account/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("Ingen historik ännu."));
}
