//! Browser tests of the schema editor: the editor, the measure form and the six-column view fit
//! a 1280 px desktop with nothing cut off (no sideways scroll of the page, no table scrolled
//! inside its box) and a 360 px phone without sideways scrolling, and pass axe-core at both.

use serde_json::json;

use crate::browser::{Browser, demo_app};

async fn run(browser: &Browser, script: &str) -> serde_json::Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

/// Sets the viewport's width (and height) in CSS pixels, and checks it took.
async fn viewport(browser: &Browser, width: u32, height: u32) {
    browser.client.set_window_size(width, height).await.unwrap();
    let inner = run(browser, "return window.innerWidth;").await;
    assert_eq!(inner, json!(width), "viewport width");
}

/// How far the document is wider than the viewport (0 when nothing scrolls sideways).
async fn sideways_overflow(browser: &Browser) -> i64 {
    run(
        browser,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await
    .as_i64()
    .unwrap()
}

/// The scroll boxes around tables whose content is wider than the box (cut off until
/// scrolled), by their first header's text.
async fn cut_off_tables(browser: &Browser) -> Vec<String> {
    let found = run(
        browser,
        "return Array.from(document.querySelectorAll('.table-scroll'))\
           .filter(e => e.scrollWidth > e.clientWidth + 1)\
           .map(e => (e.querySelector('th') || e).textContent.trim());",
    )
    .await;
    serde_json::from_value(found).unwrap()
}

#[tokio::test]
async fn the_schema_editor_and_six_column_view_fit_desktop_and_phone_and_pass_axe() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    // Arrange: the evaluator (who may edit) on Skolfam's schema, which has every part.
    let app = demo_app().await;
    let id = app.initiative_id("Skolfam").await;
    let activity: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT MIN(a.id) FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
    });
    viewport(&browser, 1280, 900).await;
    browser.login(&app, "utvarderare@exempel.se").await;
    let pages = [
        ("schemaredigeraren", format!("/satsningar/{id}/schema")),
        (
            "nytt effektmått",
            format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}"),
        ),
        ("sex kolumner", format!("/satsningar/{id}/schema/tabell")),
    ];

    for (width, height) in [(1280, 900), (360, 800)] {
        viewport(&browser, width, height).await;
        for (name, path) in &pages {
            // Act
            browser
                .open_hydrated(&format!("{}{path}", app.address))
                .await;

            // Assert: the page does not scroll sideways; at 1280 px no table is cut off either.
            assert_eq!(sideways_overflow(&browser).await, 0, "{name} at {width} px");
            if width == 1280 {
                assert_eq!(
                    cut_off_tables(&browser).await,
                    Vec::<String>::new(),
                    "{name}: tables cut off at 1280 px"
                );
            }
            browser
                .assert_accessible(&format!("{name}, {width} px"))
                .await;
            browser
                .screenshot(&format!("schema-{}-{width}", name.replace(' ', "-")))
                .await;
        }
    }
    browser.client.clone().close().await.unwrap();
}
