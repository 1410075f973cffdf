//! What is refused at the edge, in Swedish and with a 4xx: redirects off the site, requests a
//! server function cannot decode, broken text and control characters, out-of-range numbers
//! and dates, ids that are not numbers, malformed uploads — and that nothing of it is stored.

use app::auth::api::ListUsers;
use app::form::ACTION_FIELD;
use app::history::api::ObjectHistory;
use app::initiative::InitiativeForm;
use app::pages::initiative::InitiativeView;
use app::report::api::SaveReport;
use app::schema::api::AddGoal;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp, spawn_app_with, spawn_demo_app};
use crate::initiatives::{create, party_id, satsning};

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    })
}

/// Posts `body` as a form of `content_type` to `path`; returns status and body text.
async fn post_raw(
    user: &TestApp,
    path: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, String) {
    let response = user
        .client
        .post(format!("{}{path}", user.address))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn login_only_redirects_to_a_path_on_this_site() {
    let app = spawn_demo_app().await;
    for (next, expected) in [
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/satsningar\r\nSet-Cookie: x=1", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/satsningar?status=pagaende", "/satsningar?status=pagaende"),
    ] {
        let user = app.with_new_client();
        let response = user
            .post_form(
                "/logga-in",
                &[
                    ("epost", "admin@exempel.se"),
                    ("losenord", app::demo::DEMO_PASSWORD),
                    ("nasta", next),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(response.headers()["location"], expected, "{next:?}");
    }
}

#[tokio::test]
async fn undecodable_server_function_calls_are_400_in_swedish() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let goals = count(&app, "SELECT COUNT(*) FROM goal").await;
    let form = "application/x-www-form-urlencoded";
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("id=abc", form, b"id=abc&mal=x&malgrupp=".to_vec()),
        ("raw 0xFF", form, b"id=1&mal=\xff&malgrupp=".to_vec()),
        ("duplicate id", form, b"id=1&id=2&mal=x&malgrupp=".to_vec()),
        ("missing fields", form, b"id=1".to_vec()),
        (
            "JSON",
            "application/json",
            br#"{"id":1,"mal":"x"}"#.to_vec(),
        ),
        ("XML", "application/xml", b"<mal><id>1</id></mal>".to_vec()),
        (
            "multipart",
            "multipart/form-data; boundary=X",
            b"--X\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n1\r\n--X--\r\n".to_vec(),
        ),
    ];
    for (what, content_type, body) in cases {
        let (status, text) = post_raw(&admin, AddGoal::PATH, content_type, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {text}");
        let error: serde_json::Value = serde_json::from_str(&text).expect(what);
        let message = error["meddelande"].as_str().unwrap_or_default();
        assert!(
            message.contains("Formuläret") || message.contains("Uppgifterna"),
            "{what}: a Swedish message, got {text}"
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM goal").await,
        goals,
        "nothing saved"
    );
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(Backend::Sqlite, |config| config.max_body_bytes = 1024).await;
    let host = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    // A chunk announced as 3 MB of which a few kB are sent: the server has read past its
    // limit by then and answers, without waiting for the rest.
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {host}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n300000\r\nmal=",
        AddGoal::PATH
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[b'a'; 4096]).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("för stort"), "{answer}");
}

#[tokio::test]
async fn broken_text_and_control_characters_are_refused_and_nothing_is_stored() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let id = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let goals = count(&app, "SELECT COUNT(*) FROM goal").await;
    let schema = format!("/satsningar/{id}/schema");
    let form = "application/x-www-form-urlencoded";

    // A plain form post: the page again, 400, the message at the field, the rest kept.
    let (status, html) = post_raw(
        &admin,
        &schema,
        form,
        format!(
            "{}&id={id}&mal=%FF%FE&malgrupp=Familjer+med+barn",
            serde_urlencoded::to_string([(ACTION_FIELD, AddGoal::PATH)]).unwrap()
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("ogiltig teckenkodning"),
        "message at the field"
    );
    assert!(
        html.contains("Familjer med barn"),
        "the other field is kept"
    );

    // The same server function called directly, with a NUL byte and a line break in a
    // one-line field.
    for bad in ["a%00b", "rad1%0Arad2", "a%1Bb"] {
        let (status, text) = post_raw(
            &admin,
            AddGoal::PATH,
            form,
            format!("id={id}&mal={bad}&malgrupp="),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(text.contains("styrtecken"), "{bad}: {text}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM goal").await,
        goals,
        "nothing saved"
    );

    // Line breaks are fine where the field is multi-line (a satsning's description).
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;
    let ok = InitiativeForm {
        summary: "Rad ett.\r\nRad två.".into(),
        ..satsning("Flerradig beskrivning", school, social)
    };
    assert_eq!(
        admin.submit("/satsningar/ny", &create(ok)).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn numbers_and_dates_outside_the_domain_are_refused() {
    let app = spawn_demo_app().await;
    let admin = app.as_user("admin@exempel.se").await;
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let social = party_id(&app, "Socialförvaltningen").await;
    let initiatives = count(&app, "SELECT COUNT(*) FROM initiative").await;

    // A start in year 0 and a budget beyond any fund.
    let bad = InitiativeForm {
        start: "0000-01-01".into(),
        ..satsning("Orimliga datum", school, social)
    };
    let response = admin.submit("/satsningar/ny", &create(bad)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("mellan 1990 och 2100")
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM initiative").await,
        initiatives
    );

    // A reported count of 1e308 or beyond 10¹² (shown as "inf" before).
    let lead = app.as_user("projektledare@exempel.se").await;
    let (initiative, measure): (i64, i64) = app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT m.initiative_id, m.id FROM measure m \
             JOIN initiative_lead l ON l.initiative_id = m.initiative_id \
             JOIN user_account u ON u.id = l.user_id AND u.email = 'projektledare@exempel.se' \
             WHERE m.kind = 'aktivitet' AND m.value_type = 'antal' AND m.retired_at IS NULL \
             AND m.frequency = 'manad' LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    let month = app::report::Period::of(app::sv::time::local_date(chrono::Utc::now())).to_string();
    let values = count(&app, "SELECT COUNT(*) FROM measure_value").await;
    for (raw, message) in [
        ("1e308", "Skriv ett tal"),
        ("99 999 999 999 999", "för stort"),
        ("inf", "Skriv ett tal"),
    ] {
        let key = format!("m{measure}");
        let save = SaveReport {
            id: initiative,
            manad: month.clone(),
            v: Some([(key.clone(), raw.to_string())].into()),
            k: Some([(key, String::new())].into()),
            orsak: None,
            steg: None,
            bekrafta: None,
        };
        let response = lead
            .submit(
                &format!("/satsningar/{initiative}/rapportera/{month}"),
                &save,
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{raw}");
        assert!(response.text().await.unwrap().contains(message), "{raw}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM measure_value").await,
        values
    );
}

#[tokio::test]
async fn every_rejection_a_person_can_see_is_swedish() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let admin = app.as_user("admin@exempel.se").await;

    // An id that is not a number names no page.
    let response = admin.get("/satsningar/1e3/varden.csv").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Sidan finns inte"));

    // A server function called directly says why, in Swedish, beside the machine-readable kind.
    let response = reader.call(&ListUsers {}).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let error: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(error["fel"], "Forbidden");
    assert_eq!(error["meddelande"], "Du har inte behörighet till det här.");
    let response = admin.call(&InitiativeView { id: 999_999 }).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("finns inte"));

    // A cut-off upload is not called "too large".
    let lead = app.as_user("projektledare@exempel.se").await;
    let initiative = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let (status, html) = post_raw(
        &lead,
        &format!("/satsningar/{initiative}/import/fil"),
        "multipart/form-data; boundary=X",
        "--X\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"v.csv\"\r\n\r\nKod;Period",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("kom inte fram hela"), "{status}");
    assert!(!html.contains("för stor"));
}

#[tokio::test]
async fn account_histories_are_for_admin_only() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let admin = app.as_user("admin@exempel.se").await;
    let id = count(&app, "SELECT MIN(id) FROM user_account").await;
    let args = ObjectHistory {
        typ: "user_account".into(),
        id,
    };
    let refused = evaluator.call(&args).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused.text().await.unwrap().contains("@exempel.se"));
    assert_eq!(
        evaluator
            .get(&format!("/historik/user_account/{id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(admin.call(&args).await.status(), StatusCode::OK);
    // Other histories stay open to the utvärderare.
    let initiative = count(&app, "SELECT MIN(id) FROM initiative").await;
    assert_eq!(
        evaluator
            .call(&ObjectHistory {
                typ: "initiative".into(),
                id: initiative,
            })
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn refused_pages_carry_no_data_in_their_hydration_script() {
    let app = spawn_demo_app().await;
    let (initiative, measure): (i64, i64) = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT initiative_id, id FROM measure ORDER BY id LIMIT 1")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let month = app::report::Period::of(app::sv::time::local_date(chrono::Utc::now())).to_string();
    let pages = [
        format!("/satsningar/{initiative}/schema/matt/{measure}"),
        format!("/satsningar/{initiative}/schema/nytt-matt?typ=aktivitet"),
        format!("/satsningar/{initiative}/import"),
        format!("/satsningar/{initiative}/redigera"),
        format!("/satsningar/{initiative}/rapportera/{month}"),
        "/admin/anvandare".into(),
        "/parter".into(),
        "/rapportering".into(),
        format!("/historik/initiative/{initiative}"),
    ];
    let mut refused = 0;
    for email in [
        "lasare@exempel.se",
        "beredning@exempel.se",
        "projektledare@exempel.se",
        "utvarderare@exempel.se",
    ] {
        let user = app.as_user(email).await;
        for page in &pages {
            let response = user.get(page).await;
            if response.status() != StatusCode::FORBIDDEN {
                continue;
            }
            refused += 1;
            let html = response.text().await.unwrap();
            // Resources resolved on the server are written as `__RESOLVED_RESOURCES[n] = "…"`;
            // a loaded page's data is an `Ok` result.
            assert!(
                !html.contains("{\\\"Ok\\\":"),
                "{email} {page}: a refused page ships data"
            );
        }
    }
    assert!(refused >= 10, "only {refused} refusals seen");
}
