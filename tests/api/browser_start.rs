//! Browser tests of the first screens: the projektledare's Att göra on a phone leads into the
//! month's form; the start pages and the Händelselogg are axe-clean at 360 and 1280 px.

use app::auth::Role;
use fantoccini::Locator;

use crate::browser::Browser;
use crate::builders::{PASSWORD, UserBuilder};
use crate::start::{last_month, measure, open_month_app, running};

#[tokio::test]
async fn the_projektledare_start_page_lists_a_due_month_whose_button_opens_its_form() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = open_month_app().await;
    let lead = UserBuilder::with_role(Role::ProjectLead)
        .named("Pia Projekt")
        .create(&app)
        .await;
    let satsning = running(&app, "Läxhjälp i webbläsaren", &lead).await;
    let a1 = measure(&app, &satsning, &lead, false).await;
    let form = format!("/satsningar/{}/rapportera/{}", satsning.id, last_month());

    browser.client.set_window_size(360, 800).await.unwrap();
    browser.login_with(&app, &lead.email, PASSWORD).await;
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/", "the login lands on the start page");
    let heading = browser
        .client
        .find(Locator::Id("att-gora-rubrik"))
        .await
        .expect("Att göra");
    assert_eq!(heading.text().await.unwrap(), "Att göra");
    browser
        .assert_accessible("startsidan för projektledare, 360 px")
        .await;

    // The router may take the link in the page (no reload): wait for the form itself.
    browser
        .client
        .find(Locator::Css(&format!("a.button[href='{form}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::Css(&format!("input[name='v[m{a1}]']")))
        .await
        .expect("the month's field for A1");
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), form, "the button opens that month's form");

    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.open_hydrated(&format!("{}/", app.address)).await;
    browser
        .assert_accessible("startsidan för projektledare, 1280 px")
        .await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn review_and_reader_start_pages_and_the_event_log_pass_axe_on_phone_and_desktop() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = open_month_app().await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let satsning = running(&app, "Satsning för granskning", &lead).await;
    measure(&app, &satsning, &lead, true).await;
    for (role, pages) in [
        (Role::Admin, &["/", "/historik", "/logga-ut"][..]),
        (Role::Reader, &["/"][..]),
    ] {
        let user = UserBuilder::with_role(role).create(&app).await;
        browser.client.set_window_size(1280, 900).await.unwrap();
        browser.login_with(&app, &user.email, PASSWORD).await;
        for (width, height) in [(360, 800), (1280, 900)] {
            browser.client.set_window_size(width, height).await.unwrap();
            for page in pages {
                browser
                    .open_hydrated(&format!("{}{page}", app.address))
                    .await;
                browser
                    .assert_accessible(&format!("{page} som {}, {width} px", role.label()))
                    .await;
            }
        }
        // Log out through the page's button, for the next role.
        browser
            .open_hydrated(&format!("{}/logga-ut", app.address))
            .await;
        browser
            .click_and_wait_for_page("main form button[type=submit]")
            .await;
    }
    browser.client.clone().close().await.unwrap();
}
