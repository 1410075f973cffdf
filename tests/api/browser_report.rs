//! Browser tests of the month's reporting form: a phone's width (no sideways scrolling, text
//! fields large enough not to zoom, error-summary links that land on visible fields), axe-core
//! on a phone and on a desktop, and, with JavaScript, the question before a link leaves typed
//! values behind.

use std::time::Duration;

use app::report::Period;
use fantoccini::Locator;
use serde_json::{Value, json};

use crate::browser::{Browser, demo_app};
use crate::helpers::TestApp;

const LAXHJALP: &str = "Läxhjälp i Vivalla (fiktiv)";

fn this_month() -> Period {
    Period::of(app::sv::time::local_date(chrono::Utc::now()))
}

async fn measure_id(app: &TestApp, initiative: i64, code: &str) -> i64 {
    let code = code.to_string();
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM measure WHERE initiative_id = $1 AND code = $2")
            .bind(initiative)
            .bind(&code)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

impl Browser {
    /// Sets the viewport's width (and height) in CSS pixels, and checks it took.
    async fn viewport(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
        let inner = self.run("return window.innerWidth;").await;
        assert_eq!(inner, json!(width), "viewport width");
    }

    async fn run(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// How far the document is wider than the viewport (0 when nothing scrolls sideways).
    async fn sideways_overflow(&self) -> i64 {
        self.run(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
        )
        .await
        .as_i64()
        .unwrap()
    }

    /// The form's visible text fields (name and computed font size in px).
    async fn field_font_sizes(&self) -> Vec<(String, f64)> {
        let sizes = self
            .run(
                "return Array.from(document.querySelectorAll(\
                 'form.report-form input:not([type=hidden]):not([type=checkbox]), \
                  form.report-form select, form.report-form textarea'))\
                 .map(e => [e.name, parseFloat(getComputedStyle(e).fontSize)]);",
            )
            .await;
        serde_json::from_value(sizes).unwrap()
    }

    async fn value_of(&self, css: &str) -> String {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.prop("value").await.unwrap().unwrap_or_default()
    }

    async fn fill(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// The text of the confirm dialog once it is open.
    async fn dialog_text(&self) -> String {
        for _ in 0..100 {
            if let Ok(text) = self.client.get_alert_text().await {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no dialog opened");
    }
}

#[tokio::test]
async fn the_month_form_fits_a_phone_and_its_error_links_land_on_visible_fields() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    let id = app.initiative_id(LAXHJALP).await;
    let a1 = measure_id(&app, id, "A1").await;
    let month = this_month();
    let form = format!("{}/satsningar/{id}/rapportera/{month}", app.address);
    let calendar = format!("{}/satsningar/{id}/rapportera", app.address);
    browser.viewport(360, 740).await;
    browser.login(&app, "projektledare@exempel.se").await;

    // Arrange: the form on a phone.
    browser.open_hydrated(&form).await;

    // Assert: nothing scrolls sideways, at 360 px and at 320 px, and every text field is at
    // least 16 px (a phone zooms in on smaller ones).
    assert_eq!(browser.sideways_overflow().await, 0, "at 360 px");
    let sizes = browser.field_font_sizes().await;
    assert!(sizes.len() >= 4, "value and comment fields: {sizes:?}");
    for (name, size) in &sizes {
        assert!(*size >= 16.0, "{name}: {size} px");
    }
    browser.assert_accessible("månadsrapporten (360 px)").await;
    browser.screenshot("manadsrapport-360").await;
    browser.viewport(320, 740).await;
    assert_eq!(browser.sideways_overflow().await, 0, "at 320 px");
    browser.viewport(360, 740).await;

    // Act: a wrong value and an unusual one, sent.
    browser.fill(&format!("#v-m{a1}"), "1 234").await;
    let e1 = measure_id(&app, id, "E1").await;
    browser.fill(&format!("#v-m{e1}"), "62,5 kr").await;
    // (Straight from the wrong value to the button: the click must not be lost to a message
    // that appears as the field is left.)
    browser.click_and_wait_for_page("button[value=spara]").await;

    // Assert: every problem is in the summary, and each link lands on its field, in view.
    let links = browser
        .client
        .find_all(Locator::Css(".error-summary a"))
        .await
        .unwrap();
    assert_eq!(links.len(), 2, "the wrong value and the unusual one");
    assert_eq!(browser.sideways_overflow().await, 0, "the rejected form");
    browser
        .assert_accessible("månadsrapporten med fel (360 px)")
        .await;
    browser.screenshot("manadsrapport-fel-360").await;
    for index in 0..2 {
        browser.run("window.scrollTo(0, 0); return true;").await;
        let links = browser
            .client
            .find_all(Locator::Css(".error-summary a"))
            .await
            .unwrap();
        let target = links[index].attr("href").await.unwrap().unwrap();
        links[index].click().await.unwrap();
        let mut seen = json!(false);
        for _ in 0..50 {
            seen = browser
                .client
                .execute(
                    "const e = document.getElementById(arguments[0].slice(1));
                     const r = e.getBoundingClientRect();
                     return r.width > 0 && r.top >= 0 && r.left >= 0
                       && r.bottom <= window.innerHeight && r.right <= window.innerWidth;",
                    vec![json!(target)],
                )
                .await
                .unwrap();
            if seen == json!(true) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(seen, json!(true), "{target} in view after its summary link");
        browser
            .screenshot(&format!("manadsrapport-fel-360-{index}"))
            .await;
    }
    assert_eq!(browser.value_of(&format!("#v-m{a1}")).await, "1 234");

    // The calendar on a phone, then both pages on a desktop.
    browser.open_hydrated(&calendar).await;
    assert_eq!(browser.sideways_overflow().await, 0, "the calendar");
    browser
        .assert_accessible("rapporteringskalendern (360 px)")
        .await;
    browser.viewport(1280, 900).await;
    for (url, what) in [(&form, "månadsrapporten"), (&calendar, "kalendern")] {
        browser.open_hydrated(url).await;
        assert_eq!(browser.sideways_overflow().await, 0, "{what}");
        browser
            .assert_accessible(&format!("{what} (1280 px)"))
            .await;
        browser
            .run("document.querySelector('main h2, main h1').scrollIntoView(); return true;")
            .await;
        browser.screenshot(&format!("{what}-1280")).await;
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_link_away_from_typed_values_asks_first() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    let id = app.initiative_id(LAXHJALP).await;
    let a1 = measure_id(&app, id, "A1").await;
    let month = this_month();
    let previous = month.prev();
    let form = format!("{}/satsningar/{id}/rapportera/{month}", app.address);
    let back = format!("nav.month-nav a[href$='/rapportera/{previous}']");
    browser.viewport(1280, 900).await;
    browser.login(&app, "projektledare@exempel.se").await;
    browser.open_hydrated(&form).await;

    // Arrange: a value typed, not saved.
    browser.fill(&format!("#v-m{a1}"), "17").await;

    // Act: the link to the month before.
    browser
        .client
        .find(Locator::Css(&back))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // Assert: asked; staying keeps the page and what was typed.
    let question = browser.dialog_text().await;
    assert!(question.contains("inte är sparade"), "{question}");
    browser.client.dismiss_alert().await.unwrap();
    assert_eq!(
        browser.client.current_url().await.unwrap().as_str(),
        form,
        "stayed"
    );
    assert_eq!(browser.value_of(&format!("#v-m{a1}")).await, "17");

    // Leaving when asked goes to the month before (and shows it).
    browser
        .client
        .find(Locator::Css(&back))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.dialog_text().await;
    browser.client.accept_alert().await.unwrap();
    let heading = format!("Månadsrapport {}", previous.label());
    let mut shown = String::new();
    for _ in 0..100 {
        if let Ok(h1) = browser.client.find(Locator::Css("h1")).await {
            shown = h1.text().await.unwrap_or_default();
            if shown == heading {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(shown, heading);

    // With nothing typed, a link just goes.
    browser
        .client
        .find(Locator::Css("nav.month-nav a[href$='/historik']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("h1#historik-rubrik"))
        .await
        .unwrap();
    assert!(browser.client.get_alert_text().await.is_err(), "no dialog");
    browser.client.clone().close().await.unwrap();
}
