//! Browser tests of halvårsredovisningar: the report page (the projektledare's draft with its
//! forms, the beredningsgrupp's submitted report with the review form), the comparison of a
//! submitted report with data corrected since, and the list of a half-year's reports are
//! axe-clean at 360 and 1280 px.

use app::auth::Role;
use fantoccini::Locator;

use crate::browser::Browser;
use crate::builders::{PASSWORD, TestUser, UserBuilder};
use crate::halfyear::{HALF, all_texts, page, satsning, save_value, submit, texts};
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

async fn check_pages(browser: &Browser, app: &TestApp, pages: &[String]) {
    for (width, height) in [(360, 800), (1280, 900)] {
        browser.client.set_window_size(width, height).await.unwrap();
        for page in pages {
            browser
                .open_hydrated(&format!("{}{page}", app.address))
                .await;
            browser
                .assert_accessible(&format!("{page}, {width} px"))
                .await;
        }
    }
}

#[tokio::test]
async fn the_report_pages_and_the_list_pass_axe_on_phone_and_desktop() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    let (lead, lead_client) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let review = UserBuilder::with_role(Role::Review).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let at = page(initiative.id);

    // The projektledare's draft: the texts, costs and submit forms.
    browser.client.set_window_size(1280, 900).await.unwrap();
    log_in(&browser, &app, &lead).await;
    check_pages(&browser, &app, std::slice::from_ref(&at)).await;
    browser.client.delete_all_cookies().await.unwrap();

    // Submitted: the beredningsgrupp's view with the review form, and the list.
    lead_client
        .submit(&at, &texts(initiative.id, all_texts("Klart")))
        .await;
    lead_client.submit(&at, &submit(initiative.id)).await;
    // June corrected since: the comparison has a section as submitted and now.
    save_value(&app, &lead, initiative.id, e1, 6, 57.5).await;
    log_in(&browser, &app, &review).await;
    check_pages(
        &browser,
        &app,
        &[
            at.clone(),
            format!("{at}/jamforelse"),
            format!("/halvarsredovisningar?halvar={HALF}"),
        ],
    )
    .await;
    browser.client.clone().close().await.unwrap();
}
