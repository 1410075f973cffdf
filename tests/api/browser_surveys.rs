//! Browser tests of enkäter: a participant answers on a 360 px phone with the keyboard only
//! (Tab into each question, arrow keys and space to choose, Enter to send); the participant's
//! page, its error state, the closed message and the thank-you page are axe-clean; the same in
//! Arabic, right to left.

use std::time::Duration;

use app::auth::Role;
use fantoccini::Locator;
use fantoccini::key::Key;

use crate::browser::Browser;
use crate::builders::{PASSWORD, TestUser, UserBuilder};
use chrono::Utc;

use crate::helpers::spawn_app;
use crate::surveys::{count, satsning, survey, token, wave};

/// Presses Tab until the focused element's `name` is `name` (at most 40 times).
async fn tab_to(browser: &Browser, name: &str) {
    for _ in 0..40 {
        let active = browser.client.active_element().await.unwrap();
        if active.attr("name").await.unwrap().as_deref() == Some(name) {
            return;
        }
        active.send_keys(&Key::Tab.to_string()).await.unwrap();
    }
    panic!("Tab never reached {name}");
}

/// How far the document is wider than the viewport (0 when nothing scrolls sideways).
async fn sideways_overflow(browser: &Browser) -> i64 {
    browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap()
}

async fn press(browser: &Browser, keys: &str) {
    let active = browser.client.active_element().await.unwrap();
    active.send_keys(keys).await.unwrap();
}

#[tokio::test]
async fn a_participant_answers_on_a_phone_with_the_keyboard_only_and_every_state_passes_axe() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    // Arrange
    let app = spawn_app().await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    let w = wave(&app, &lead, sid, 0, 5).await;
    let link = token(&app, &lead, w, false).await;
    let page = format!("{}/enkat/{link}", app.address);
    browser.client.set_window_size(360, 800).await.unwrap();
    let wait = || browser.client.wait().at_most(Duration::from_secs(20));

    // The empty form, then the error state after sending it unanswered.
    browser.open_hydrated(&page).await;
    browser.assert_accessible("enkät, tom").await;
    browser.screenshot("enkat-360").await;
    browser
        .client
        .find(Locator::Css("form.survey-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .expect("the error summary");
    browser.assert_accessible("enkät, felmeddelande").await;
    browser.screenshot("enkat-fel-360").await;
    // Reflow: at 320 px (WCAG 1.4.10) nothing scrolls sideways, error state included.
    browser.client.set_window_size(320, 800).await.unwrap();
    assert_eq!(sideways_overflow(&browser).await, 0, "320 px, error state");
    browser.client.set_window_size(360, 800).await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM survey_response").await, 0);

    // Act: keyboard only. Into the Likert group (focus lands on its first choice), three
    // steps right to 4; the number; ja with space; Enter on the button.
    browser.open_hydrated(&page).await;
    tab_to(&browser, &format!("svar[q{}]", q[0])).await;
    press(&browser, &Key::Space.to_string()).await;
    for _ in 0..3 {
        press(&browser, &Key::Right.to_string()).await;
    }
    tab_to(&browser, &format!("svar[q{}]", q[1])).await;
    press(&browser, "15").await;
    tab_to(&browser, &format!("svar[q{}]", q[2])).await;
    press(&browser, &Key::Space.to_string()).await;
    for _ in 0..5 {
        let active = browser.client.active_element().await.unwrap();
        if active.html(false).await.unwrap().contains("Skicka svaren") {
            break;
        }
        active.send_keys(&Key::Tab.to_string()).await.unwrap();
    }
    assert!(
        browser
            .client
            .active_element()
            .await
            .unwrap()
            .html(false)
            .await
            .unwrap()
            .contains("Skicka svaren"),
        "the send button takes focus"
    );
    press(&browser, &Key::Enter.to_string()).await;

    // Assert: thanks, and the answers as chosen.
    wait()
        .for_element(Locator::Id("tack-rubrik"))
        .await
        .expect("the thank-you page");
    browser.assert_accessible("enkät, tack").await;
    let stored: Vec<(i64, Option<f64>)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT question_id, number FROM survey_answer ORDER BY question_id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(
        stored,
        vec![(q[0], Some(4.0)), (q[1], Some(15.0)), (q[2], Some(1.0))]
    );

    // A closed wave's calm message is accessible too.
    let closed = wave(&app, &lead, sid, -9, -2).await;
    let old = token(&app, &lead, closed, true).await;
    browser
        .open_hydrated(&format!("{}/enkat/{old}", app.address))
        .await;
    browser.assert_accessible("enkät, stängd").await;
    browser.client.clone().close().await.unwrap();
}

/// The survey's Arabic texts, as the builder saves them.
async fn translate_to_arabic(app: &crate::helpers::TestApp, lead: &TestUser, sid: i64, q: &[i64]) {
    let texts = |text: &str| app::survey::QuestionTexts {
        text: text.into(),
        ..Default::default()
    };
    let translation = app::survey::Translation {
        lang: app::survey::Lang::Ar,
        survey: app::survey::SurveyTexts {
            title: "الأمان".into(),
            intro: String::new(),
        },
        questions: vec![
            (
                q[0],
                app::survey::QuestionTexts {
                    low_label: "لا على الإطلاق".into(),
                    high_label: "تماماً".into(),
                    ..texts("أشعر بالأمان في طريقي إلى المدرسة")
                },
            ),
            (q[1], texts("كم دقيقة يستغرق الطريق؟")),
            (q[2], texts("هل تمشي مع صديق؟")),
        ],
    };
    app::survey::repo::save_translation(&app.db, lead.actor, sid, &translation, Utc::now())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_participant_answers_in_arabic_right_to_left_on_a_phone_with_the_keyboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    // Arrange: the survey with its Arabic texts, an open wave.
    let app = spawn_app().await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    translate_to_arabic(&app, &lead, sid, &q).await;
    let w = wave(&app, &lead, sid, 0, 5).await;
    let link = token(&app, &lead, w, false).await;
    let page = format!("{}/enkat/{link}?sprak=ar", app.address);
    browser.client.set_window_size(360, 800).await.unwrap();
    let wait = || browser.client.wait().at_most(Duration::from_secs(20));

    // The Arabic form is right to left, and passes axe empty and with its errors.
    browser.open_hydrated(&page).await;
    let direction = browser
        .client
        .execute(
            "const s = document.querySelector('section.survey-page'); return [s.lang, getComputedStyle(s).direction];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(direction, serde_json::json!(["ar", "rtl"]));
    browser.assert_accessible("enkät, arabiska").await;
    browser.screenshot("enkat-ar-360").await;
    browser
        .client
        .find(Locator::Css("form.survey-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let summary = wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .expect("the error summary");
    assert!(
        summary
            .text()
            .await
            .unwrap()
            .contains("هذا السؤال يحتاج إلى إجابة.")
    );
    browser
        .assert_accessible("enkät, arabiska, felmeddelande")
        .await;
    assert_eq!(
        sideways_overflow(&browser).await,
        0,
        "360 px, right to left"
    );

    // Act: keyboard only, as in Swedish. Down moves to the next choice whatever the writing
    // direction.
    browser.open_hydrated(&page).await;
    tab_to(&browser, &format!("svar[q{}]", q[0])).await;
    press(&browser, &Key::Space.to_string()).await;
    for _ in 0..3 {
        press(&browser, &Key::Down.to_string()).await;
    }
    tab_to(&browser, &format!("svar[q{}]", q[1])).await;
    press(&browser, "15").await;
    tab_to(&browser, &format!("svar[q{}]", q[2])).await;
    press(&browser, &Key::Space.to_string()).await;
    for _ in 0..5 {
        let active = browser.client.active_element().await.unwrap();
        if active.html(false).await.unwrap().contains("أرسل إجاباتك") {
            break;
        }
        active.send_keys(&Key::Tab.to_string()).await.unwrap();
    }
    press(&browser, &Key::Enter.to_string()).await;

    // Assert: the thanks in Arabic, and the answers stored as in Swedish (option numbers).
    let thanks = wait()
        .for_element(Locator::Id("tack-rubrik"))
        .await
        .expect("the thank-you page");
    assert_eq!(thanks.text().await.unwrap(), "شكراً على إجاباتك!");
    browser.assert_accessible("enkät, arabiska, tack").await;
    let stored: Vec<(i64, Option<f64>)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT question_id, number FROM survey_answer ORDER BY question_id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(
        stored,
        vec![(q[0], Some(4.0)), (q[1], Some(15.0)), (q[2], Some(1.0))]
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_builder_preview_and_results_pages_pass_axe_on_phone_and_desktop() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    // Arrange: a panel survey with answers in a closed wave (results shown) and an open one,
    // the same six people in both (so the change per person is shown).
    let app = crate::helpers::spawn_app_with(crate::helpers::Backend::Sqlite, |config| {
        config.survey_panel_secret = Some("webbläsartestets-panelhemlighet-0123456789".into());
    })
    .await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, q) = survey(&app, &lead, initiative.id, e1).await;
    app::db_write!(&app.db, |pool| {
        sqlx::query("UPDATE survey SET panel = TRUE WHERE id = $1")
            .bind(sid)
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap()
    });
    let before = wave(&app, &lead, sid, -30, -10).await;
    let after = wave(&app, &lead, sid, 0, 10).await;
    for (w, shift) in [(before, 0), (after, 1)] {
        for i in 0..6 {
            let answers = [app::survey::Answer {
                question_id: q[0],
                number: Some(((i + shift) % 5 + 1) as f64),
                text: None,
            }];
            let day = Utc::now().date_naive() - chrono::Duration::days(20);
            let person = format!("person-{i}");
            app::survey::repo::insert_answers(&app.db, w, &answers, day, "webb", Some(&person))
                .await
                .unwrap();
        }
    }
    browser.client.set_window_size(1280, 900).await.unwrap();
    log_in(&browser, &app, &lead).await;
    let id = initiative.id;
    for page in [
        format!("/satsningar/{id}/enkater"),
        format!("/satsningar/{id}/enkater/{sid}"),
        format!("/satsningar/{id}/enkater/{sid}/forhandsvisning"),
        format!("/satsningar/{id}/enkater/{sid}/oversattning?sprak=ar"),
        format!("/satsningar/{id}/enkater/{sid}/resultat"),
        format!("/satsningar/{id}/enkater/{sid}/utskick/{before}/papper"),
    ] {
        browser
            .open_hydrated(&format!("{}{page}", app.address))
            .await;
        browser.assert_accessible(&page).await;
        browser.screenshot(&page.replace('/', "_")).await;
    }
    // The printable code sheet, reached with the builder's own form.
    browser
        .open_hydrated(&format!("{}/satsningar/{id}/enkater/{sid}", app.address))
        .await;
    browser
        .client
        .find(Locator::Css("form[action$='/koder'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("ul.code-sheet"))
        .await
        .expect("the code sheet");
    browser.assert_accessible("kodark").await;
    browser.screenshot("kodark").await;
    // The panel's code sheet, from the builder's panel form.
    browser
        .open_hydrated(&format!("{}/satsningar/{id}/enkater/{sid}", app.address))
        .await;
    browser
        .client
        .find(Locator::Css(
            "form[action$='/panelkoder'] button[type=submit]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("ul.code-sheet"))
        .await
        .expect("the panel's code sheet");
    browser.assert_accessible("panelkodark").await;
    browser.client.clone().close().await.unwrap();
}

pub async fn log_in(browser: &Browser, app: &crate::helpers::TestApp, user: &TestUser) {
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
