//! /health and /ready.

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_answers_ok_without_caching() {
    let app = spawn_app().await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn ready_follows_the_database() {
    let app = spawn_app().await;
    assert_eq!(app.get("/ready").await.status(), 200);

    // Act: the database goes away (pools closed).
    app.db.close().await;

    // Assert: the load balancer is told to stop sending traffic here.
    let response = app.get("/ready").await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.text().await.unwrap(), "databasen svarar inte");
    // …while the process itself is still alive.
    assert_eq!(app.get("/health").await.status(), 200);
}
