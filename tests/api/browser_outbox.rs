//! Browser test of Utskick: the list with a queued reminder, one message, and Mina
//! inställningar, axe-clean at 360 and 1280 px.

use app::auth::Role;
use chrono::Utc;
use fantoccini::Locator;

use crate::browser::Browser;
use crate::builders::{PASSWORD, UserBuilder};
use crate::helpers::Backend;
use crate::outbox::{enqueue, mail, quiet_app};

#[tokio::test]
async fn utskick_and_mina_installningar_are_accessible() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = quiet_app(Backend::Sqlite).await;
    let admin = UserBuilder::with_role(Role::Admin)
        .named("Petra Process")
        .create(&app)
        .await;
    enqueue(
        &app.db,
        &[mail(
            admin.actor.organisation_id,
            "browser:1",
            "asa@exempel.se",
            "Åsa Lind",
            "Påminnelse: rapportera november 2026 för Skolfam",
        )],
        Utc::now(),
    )
    .await;

    browser
        .open_hydrated(&format!("{}/logga-in", app.address))
        .await;
    for (id, text) in [("epost", admin.email.as_str()), ("losenord", PASSWORD)] {
        let field = browser.client.find(Locator::Id(id)).await.unwrap();
        field.send_keys(text).await.unwrap();
    }
    browser
        .click_and_wait_for_page("main form.form button[type=submit]")
        .await;

    for width in [360, 1280] {
        browser.client.set_window_size(width, 900).await.unwrap();
        browser
            .open_hydrated(&format!("{}/utskick", app.address))
            .await;
        let subject = browser
            .client
            .find(Locator::LinkText(
                "Påminnelse: rapportera november 2026 för Skolfam",
            ))
            .await
            .expect("the queued mail is listed");
        browser
            .assert_accessible(&format!("Utskick, {width} px"))
            .await;
        let href = subject.attr("href").await.unwrap().unwrap();
        browser
            .open_hydrated(&format!("{}{href}", app.address))
            .await;
        browser
            .client
            .find(Locator::Css("main form button[type=submit]"))
            .await
            .expect("Skicka igen");
        browser
            .assert_accessible(&format!("ett utskick, {width} px"))
            .await;
        browser
            .open_hydrated(&format!("{}/profil", app.address))
            .await;
        browser
            .assert_accessible(&format!("Mina inställningar, {width} px"))
            .await;
    }
}
