//! Browser test of the uppföljande utvärdering: the writer's draft with its form, and the
//! beredningsgrupp's submitted follow-up with the approval form, are axe-clean at 360 and
//! 1280 px.

use app::auth::Role;
use app::halfyear::follow_up_api::SubmitFollowUp;
use fantoccini::Locator;

use crate::browser::Browser;
use crate::builders::{PASSWORD, TestUser, UserBuilder};
use crate::follow_up::{complete, ended, page};
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

async fn check(browser: &Browser, app: &TestApp, page: &str) {
    for (width, height) in [(360, 800), (1280, 900)] {
        browser.client.set_window_size(width, height).await.unwrap();
        browser
            .open_hydrated(&format!("{}{page}", app.address))
            .await;
        browser
            .assert_accessible(&format!("{page}, {width} px"))
            .await;
    }
}

#[tokio::test]
async fn the_follow_up_page_passes_axe_as_draft_and_submitted() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    let (lead, lead_client) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let review = UserBuilder::with_role(Role::Review).create(&app).await;
    let (initiative, activity) = ended(&app, &lead, "Uppföljning i webbläsaren").await;
    let at = page(initiative.id);

    // The projektledare's draft: the effects after the end, the form and what is left.
    browser.client.set_window_size(1280, 900).await.unwrap();
    log_in(&browser, &app, &lead).await;
    check(&browser, &app, &at).await;
    browser.client.delete_all_cookies().await.unwrap();

    // Submitted: the beredningsgrupp's view with the approval form.
    lead_client
        .submit(&at, &complete(&initiative, activity, "Klart"))
        .await;
    lead_client
        .submit(&at, &SubmitFollowUp { id: initiative.id })
        .await;
    log_in(&browser, &app, &review).await;
    check(&browser, &app, &at).await;
    browser.client.clone().close().await.unwrap();
}
