//! The app shell: Swedish layout, landmarks, 404, security headers, cross-site refusal.

use app::schema::api::AddGoal;
use leptos::server_fn::ServerFn;

use crate::helpers::{site_root, spawn_app, spawn_demo_app, strict};

#[tokio::test]
async fn start_page_is_swedish_with_landmarks() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="sv""#), "{html}");
    assert!(html.contains("<title>Start – Utfall</title>"));
    assert!(html.contains(r##"<a href="#innehall" class="skip-link">Hoppa till innehållet</a>"##));
    assert!(html.contains(r#"<main id="innehall""#));
    assert!(html.contains(r#"<nav id="huvudmeny" aria-label="Huvudmeny""#));
    assert!(html.contains("<footer"));
    assert!(html.contains("Välkommen till Utfall"));
    // The hydration script is there and asks for the bundle the build produces.
    assert!(html.contains("/pkg/utfall.js"));
    assert!(html.contains("/pkg/utfall.wasm"));
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/finns-inte", "/health"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn inline_scripts_carry_the_csp_nonce_of_their_response() {
    let app = spawn_app().await;
    let first = app.get("/").await;
    let csp = first.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = first.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("CSP has a nonce");
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "script lacks nonce {nonce}"
    );

    let second = app.get("/").await;
    let other = second.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(!other.contains(nonce), "nonce reused across responses");
}

#[tokio::test]
async fn unknown_page_is_a_swedish_404() {
    let app = spawn_app().await;
    let response = app.get("/finns-inte/alls").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Sidan finns inte"));
    assert!(html.contains(r#"<html lang="sv""#));
    assert!(html.contains("Till startsidan"));
}

#[tokio::test]
async fn accessibility_statement_is_linked_from_every_page() {
    let app = spawn_app().await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains(r#"href="/tillganglighet""#));
    let statement = app.get("/tillganglighet").await;
    assert_eq!(statement.status(), 200);
    assert!(
        statement
            .text()
            .await
            .unwrap()
            .contains("Tillgänglighetsredogörelse")
    );
}

#[tokio::test]
async fn cross_site_post_is_refused_before_any_handler() {
    let app = spawn_app().await;
    for path in [AddGoal::PATH, "/"] {
        let response = app
            .client
            .post(format!("{}{path}", app.address))
            .header("sec-fetch-site", "cross-site")
            .header("origin", "https://angripare.example")
            .body("x=1")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
        assert!(response.text().await.unwrap().contains("annan webbplats"));
    }
    // A POST from a page of our own gets past the check (and then fails to decode `x=1`).
    let response = app
        .client
        .post(format!("{}{}", app.address, AddGoal::PATH))
        .header("sec-fetch-site", "same-origin")
        .body("x=1")
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), 403);
}

#[tokio::test]
async fn oversized_request_body_is_refused() {
    let app = spawn_app().await;
    let (status, body) =
        crate::helpers::post_announcing(&app, AddGoal::PATH, 3 * 1024 * 1024).await;
    assert_eq!(status, 413);
    assert!(body.contains("för stort"), "{body}");
}

#[tokio::test]
async fn built_stylesheet_and_bundle_are_served() {
    if !site_root().join("pkg/utfall.wasm").exists() {
        assert!(!strict(), "the site is not built: scripts/build-site.sh");
        eprintln!("HOPPAR ÖVER: webbplatsen är inte byggd (scripts/build-site.sh)");
        return;
    }
    let app = spawn_app().await;
    let css = app.get("/pkg/utfall.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let wasm = app.get("/pkg/utfall.wasm").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");

    // A logged-in user's pages are never stored, but the bundle stays cacheable for them.
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    assert_eq!(
        reader.get("/oversikt").await.headers()["cache-control"],
        "no-store"
    );
    let wasm = reader.get("/pkg/utfall.wasm").await;
    assert_eq!(wasm.status(), 200);
    assert!(
        wasm.headers()
            .get("cache-control")
            .is_none_or(|v| v != "no-store"),
        "{:?}",
        wasm.headers()
    );
}
