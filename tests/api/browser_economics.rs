//! Browser tests of ekonomi: the register, its import page, the fund overview and a satsning's
//! calculation (with its återföring forms) are axe-clean at 360 and 1280 px; an utvärderare
//! adds a unit cost in a browser without JavaScript.

use std::time::Duration;

use app::auth::Role;
use app::economics::api::{AddEffectRow, AddUnitCost};
use app::economics::{EffectRowForm, UnitCostForm};
use fantoccini::Locator;

use crate::browser::Browser;
use crate::builders::{InitiativeBuilder, PASSWORD, TestUser, UserBuilder};
use crate::helpers::{TestApp, spawn_app};

async fn log_in(browser: &Browser, app: &TestApp, user: &TestUser) {
    browser
        .open_hydrated(&format!("{}/logga-in", app.address))
        .await;
    for (id, text) in [("epost", user.email.as_str()), ("losenord", PASSWORD)] {
        let field = browser.client.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }
    browser
        .click_and_wait_for_page("main form.form button[type=submit]")
        .await;
}

fn cost(year: &str, amount: &str) -> AddUnitCost {
    AddUnitCost {
        cost: UnitCostForm {
            post: "Placering HVB, barn".into(),
            area: "ifo".into(),
            unit: "per dygn".into(),
            cost_sek: amount.into(),
            price_year: year.into(),
            source: "KPB".into(),
            volume: "1200".into(),
            overhead_percent: "9".into(),
            ..UnitCostForm::default()
        },
    }
}

#[tokio::test]
async fn the_register_and_a_calculation_pass_axe_on_phone_and_desktop() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    // Arrange: two years of one post, and a satsning whose calculation prices one effect.
    let app = spawn_app().await;
    let evaluator = UserBuilder::with_role(Role::Evaluator).create(&app).await;
    let http = app.with_new_client();
    assert_eq!(http.login(&evaluator.email, PASSWORD).await.status(), 303);
    for (year, amount) in [("2026", "3 900"), ("2027", "4 100")] {
        let added = http.submit("/enhetskostnader", &cost(year, amount)).await;
        assert_eq!(added.status(), 303);
    }
    let initiative = InitiativeBuilder::named("Tidiga insatser")
        .create(&app)
        .await;
    let unit_cost: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM unit_cost WHERE price_year = 2027")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let page = format!("/satsningar/{}/ekonomi", initiative.id);
    let row = AddEffectRow {
        initiative_id: initiative.id,
        effect: EffectRowForm {
            name: "Färre dygn på HVB".into(),
            unit_cost_id: unit_cost.to_string(),
            reduction_per_year: "120".into(),
            start_year: "2028".into(),
            deadweight_percent: "20".into(),
            ..EffectRowForm::default()
        },
    };
    assert_eq!(http.submit(&page, &row).await.status(), 303);

    browser.client.set_window_size(1280, 900).await.unwrap();
    log_in(&browser, &app, &evaluator).await;
    for (width, height) in [(360, 800), (1280, 900)] {
        browser.client.set_window_size(width, height).await.unwrap();
        for path in [
            "/enhetskostnader",
            "/enhetskostnader/import",
            "/fonden",
            page.as_str(),
        ] {
            browser
                .open_hydrated(&format!("{}{path}", app.address))
                .await;
            browser
                .assert_accessible(&format!("{path}, {width} px"))
                .await;
        }
    }
    let verdict = browser
        .client
        .find(Locator::Id("bedomning"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The verdict is in words, not only in the badge's colour.
    let words = verdict.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words == "Uppfyller kravet: besparingar ≥ kostnad: Ja"
            || words == "Uppfyller kravet: besparingar ≥ kostnad: Nej",
        "{verdict}"
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_evaluator_adds_a_unit_cost_without_javascript() {
    let Some(browser) = Browser::start_without_javascript().await else {
        return;
    };
    let app = spawn_app().await;
    let evaluator = UserBuilder::with_role(Role::Evaluator).create(&app).await;
    let wait = || browser.client.wait().at_most(Duration::from_secs(20));
    browser
        .client
        .goto(&format!("{}/logga-in", app.address))
        .await
        .unwrap();
    for (id, text) in [("epost", evaluator.email.as_str()), ("losenord", PASSWORD)] {
        let field = browser.client.find(Locator::Id(id)).await.unwrap();
        field.send_keys(text).await.unwrap();
    }
    browser
        .client
        .find(Locator::Css("main form.form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait()
        .for_element(Locator::Css("main h1"))
        .await
        .expect("a page after login");

    // Act: the add form, typed and chosen, then its button.
    browser
        .client
        .goto(&format!("{}/enhetskostnader", app.address))
        .await
        .unwrap();
    for (id, text) in [
        ("cost-post-ny", "Korttidsplats, äldre"),
        ("cost-unit-ny", "per dygn"),
        ("cost-cost_sek-ny", "3 300"),
        ("cost-price_year-ny", "2026"),
    ] {
        let field = wait().for_element(Locator::Id(id)).await.expect(id);
        field.send_keys(text).await.unwrap();
    }
    browser
        .client
        .find(Locator::Id("cost-area-ny"))
        .await
        .unwrap()
        .select_by_value("vard_omsorg")
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("#ny-kostnad ~ form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // Assert: the page says so and the row is there.
    let notice = wait()
        .for_element(Locator::Css("p.notice[role=status]"))
        .await
        .expect("the saved notice");
    assert_eq!(notice.text().await.unwrap(), "Enhetskostnaden är tillagd.");
    let stored: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT cost_sek FROM unit_cost WHERE post = 'Korttidsplats, äldre'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(stored, 3300);
    browser.client.clone().close().await.unwrap();
}
