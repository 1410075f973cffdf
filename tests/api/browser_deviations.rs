//! Browser tests of avvikelser: the queue, a flag's page and the meeting view are axe-clean at
//! 360 and 1280 px; a projektledare explains a flag in a browser without JavaScript.

use std::time::Duration;

use app::auth::Role;
use fantoccini::Locator;

use crate::browser::Browser;
use crate::builders::{PASSWORD, TestUser, UserBuilder};
use crate::deviations::{flagged_satsning, flags};
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

#[tokio::test]
async fn the_queue_a_flag_and_the_meeting_view_pass_axe_on_phone_and_desktop() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    let (initiative, _) = flagged_satsning(&app).await;
    let flag = flags(&app, initiative.id).await[0].0;
    let review = UserBuilder::with_role(Role::Review).create(&app).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    log_in(&browser, &app, &review).await;
    for (width, height) in [(360, 800), (1280, 900)] {
        browser.client.set_window_size(width, height).await.unwrap();
        for page in [
            "/avvikelser",
            "/avvikelser/mote",
            &format!("/avvikelser/{flag}"),
        ] {
            browser
                .open_hydrated(&format!("{}{page}", app.address))
                .await;
            browser
                .assert_accessible(&format!("{page}, {width} px"))
                .await;
        }
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_projektledare_explains_a_flag_without_javascript() {
    let Some(browser) = Browser::start_without_javascript().await else {
        return;
    };
    let app = spawn_app().await;
    let (initiative, lead) = flagged_satsning(&app).await;
    let flag = flags(&app, initiative.id).await[0].0;
    let wait = || browser.client.wait().at_most(Duration::from_secs(20));

    // Log in with the plain form.
    browser
        .client
        .goto(&format!("{}/logga-in", app.address))
        .await
        .unwrap();
    for (id, text) in [("epost", lead.email.as_str()), ("losenord", PASSWORD)] {
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
        .for_element(Locator::Id("att-gora-rubrik"))
        .await
        .expect("the start page after login");

    // Act: "Förklara" from the start page, the two fields, the button.
    browser
        .client
        .find(Locator::Css(&format!(
            "a.button[href='/avvikelser/{flag}#forklara']"
        )))
        .await
        .expect("Förklara on the start page")
        .click()
        .await
        .unwrap();
    let field = wait()
        .for_element(Locator::Id("flag-explanation"))
        .await
        .expect("the explanation field");
    field
        .send_keys("Två coacher var sjuka i oktober.")
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Id("flag-planned_action"))
        .await
        .unwrap()
        .send_keys("Vikarier från december.")
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css(
            "#forklara + form button[type=submit], main form button.button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // Assert: the page says so, and the flag is explained.
    let notice = wait()
        .for_element(Locator::Css("p.notice[role=status]"))
        .await
        .expect("the saved notice");
    assert_eq!(notice.text().await.unwrap(), "Förklaringen är sparad.");
    assert_eq!(flags(&app, initiative.id).await[0].3, "forklarad");
    browser.client.clone().close().await.unwrap();
}
