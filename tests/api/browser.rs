//! Browser tests: the real server, headless Debian Chromium through chromium-driver, axe-core.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, free_port, service, site_root, spawn_app_with, strict};

/// A chromedriver process and a browser session; both end when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    axe: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium, or returns `None` (skipped) without them.
    pub async fn start() -> Option<Browser> {
        let axe_path = service("UTFALL_TEST_AXE", "axe-core")?;
        let driver_path = service("UTFALL_TEST_CHROMEDRIVER", "chromium-driver")?;
        if !site_root().join("pkg/utfall.wasm").exists() {
            assert!(!strict(), "the site is not built: scripts/build-site.sh");
            eprintln!("HOPPAR ÖVER: webbplatsen är inte byggd");
            return None;
        }
        let axe = std::fs::read_to_string(&axe_path).expect("axe-core readable");
        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": std::env::var("UTFALL_TEST_CHROMIUM").unwrap_or("/usr/bin/chromium".into()),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--lang=sv-SE",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let mut client = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("chromedriver answers within 10 s");
        Some(Browser {
            client,
            driver,
            _profile: profile,
            axe,
        })
    }

    /// Opens `url` and waits until the page is hydrated.
    pub async fn open_hydrated(&self, url: &str) {
        self.client.goto(url).await.unwrap();
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("body[data-hydrated='true']"))
            .await
            .unwrap_or_else(|e| panic!("{url} did not hydrate: {e}"));
    }

    /// Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page; returns the violations.
    pub async fn axe_violations(&self) -> Vec<Value> {
        self.client
            .execute(&format!("{}\nreturn true;", self.axe), vec![])
            .await
            .expect("axe-core loads");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag',
                     values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                   .then(r => done(JSON.stringify(r.violations)))
                   .catch(e => done(JSON.stringify([{ id: 'axe-error', help: String(e) }])));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        serde_json::from_str(result.as_str().unwrap()).unwrap()
    }

    /// Asserts that axe-core finds nothing on the current page.
    pub async fn assert_accessible(&self, what: &str) {
        let violations = self.axe_violations().await;
        assert!(
            violations.is_empty(),
            "axe-core violations on {what}: {}",
            serde_json::to_string_pretty(&violations).unwrap()
        );
    }
}

async fn demo_app() -> TestApp {
    spawn_app_with(Backend::Sqlite, |config| config.demo = true).await
}

#[tokio::test]
async fn phone_user_opens_the_menu_on_a_hydrated_accessible_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    browser.client.set_window_size(390, 844).await.unwrap();

    // Arrange: the start page, hydrated.
    browser.open_hydrated(&app.address).await;
    browser.assert_accessible("startsidan (mobil)").await;
    let toggle = browser
        .client
        .find(Locator::Css("button.menu-toggle"))
        .await
        .unwrap();
    assert_eq!(toggle.text().await.unwrap(), "Meny");
    assert_eq!(
        toggle.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );
    let link = browser
        .client
        .find(Locator::Css("#huvudmeny a[href='/tillganglighet']"))
        .await
        .unwrap();
    assert!(
        !link.is_displayed().await.unwrap(),
        "menu should be folded on a phone"
    );

    // Act: open the menu.
    toggle.click().await.unwrap();

    // Assert: the menu is open, announced as expanded, and usable.
    assert_eq!(
        toggle.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    assert!(link.is_displayed().await.unwrap());
    browser.assert_accessible("startsidan med öppen meny").await;
    link.click().await.unwrap();
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_url(&format!("{}/tillganglighet", app.address).parse().unwrap())
        .await
        .unwrap();
    let heading = browser.client.find(Locator::Css("h1")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Tillgänglighetsredogörelse");
    browser
        .assert_accessible("tillgänglighetsredogörelsen")
        .await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn desktop_pages_pass_axe_including_404() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    for (path, what) in [
        ("/", "startsidan"),
        ("/tillganglighet", "tillgänglighet"),
        ("/finns-inte", "404-sidan"),
    ] {
        browser
            .open_hydrated(&format!("{}{path}", app.address))
            .await;
        browser.assert_accessible(what).await;
    }
    // On a desktop the navigation is always visible and the menu button is not.
    let toggle = browser
        .client
        .find(Locator::Css("button.menu-toggle"))
        .await
        .unwrap();
    assert!(!toggle.is_displayed().await.unwrap());
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn each_role_logs_in_through_the_form_and_out_again() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    browser.client.set_window_size(1280, 900).await.unwrap();

    // The login page itself, and a rejected login, are accessible.
    browser
        .open_hydrated(&format!("{}/logga-in", app.address))
        .await;
    browser.assert_accessible("inloggningssidan").await;
    fill_login(&browser, "admin@exempel.se", "fel-lösenord").await;
    let alert = browser
        .client
        .find(Locator::Css(".error-summary"))
        .await
        .unwrap();
    assert!(
        alert
            .text()
            .await
            .unwrap()
            .contains("Fel e-postadress eller lösenord")
    );
    browser.assert_accessible("inloggningssidan med fel").await;

    for (email, name, role) in app::demo::DEMO_ACCOUNTS {
        // Act: log in through the form.
        browser
            .open_hydrated(&format!("{}/logga-in", app.address))
            .await;
        fill_login(&browser, email, app::demo::DEMO_PASSWORD).await;

        // Assert: the role's own start page.
        let heading = browser.client.find(Locator::Css("h1")).await.unwrap();
        assert_eq!(heading.text().await.unwrap(), format!("Välkommen, {name}"));
        let lead = browser
            .client
            .find(Locator::Css("p.lead"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(lead.contains(&role.label().to_lowercase()), "{lead}");
        browser
            .assert_accessible(&format!("startsidan för {email}"))
            .await;
        if role == app::auth::Role::Admin {
            browser
                .open_hydrated(&format!("{}/admin/anvandare", app.address))
                .await;
            browser.assert_accessible("användarlistan").await;
            browser
                .open_hydrated(&format!("{}/admin/anvandare/ny", app.address))
                .await;
            browser
                .client
                .find(Locator::Css("main form.form button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            browser
                .client
                .wait()
                .for_element(Locator::Css(".error-summary"))
                .await
                .unwrap();
            browser.assert_accessible("ny användare med fel").await;
        }

        // Log out.
        browser.open_hydrated(&app.address).await;
        browser
            .client
            .find(Locator::Css("form[action='/logga-ut'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        browser
            .client
            .wait()
            .for_element(Locator::Css("p.notice"))
            .await
            .unwrap();
        let notice = browser.client.find(Locator::Css("p.notice")).await.unwrap();
        assert_eq!(notice.text().await.unwrap(), "Du är utloggad.");
    }
    browser.client.clone().close().await.unwrap();
}

async fn fill_login(browser: &Browser, email: &str, password: &str) {
    let client = &browser.client;
    client
        .find(Locator::Id("epost"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    client
        .find(Locator::Id("epost"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    client
        .find(Locator::Id("losenord"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    client
        .find(Locator::Css("main form.form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("body[data-hydrated='true']"))
        .await
        .unwrap();
}
