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
        Self::start_with(true).await
    }

    /// Like [`Browser::start`], with JavaScript turned off in the pages (the WebDriver still
    /// drives the browser): what a user without JavaScript gets. Pages never hydrate here, so
    /// use `client.goto` and wait for elements, not [`Browser::open_hydrated`].
    pub async fn start_without_javascript() -> Option<Browser> {
        Self::start_with(false).await
    }

    async fn start_with(javascript: bool) -> Option<Browser> {
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
                ],
                "prefs": { "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 } }
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

    /// Asserts that axe-core finds nothing on the current page, both on a 360 px phone and on a
    /// 1280 px desktop (every page has both layouts), then gives the window its size back.
    pub async fn assert_accessible(&self, what: &str) {
        let (_, _, width, height) = self.client.get_window_rect().await.unwrap();
        for phone_or_desktop in [360, 1280] {
            self.client
                .set_window_size(phone_or_desktop, height as u32)
                .await
                .unwrap();
            let violations = self.axe_violations().await;
            assert!(
                violations.is_empty(),
                "axe-core violations on {what} at {phone_or_desktop} px: {}",
                serde_json::to_string_pretty(&violations).unwrap()
            );
        }
        self.client
            .set_window_size(width as u32, height as u32)
            .await
            .unwrap();
    }
}

pub(crate) async fn demo_app() -> TestApp {
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

        // Assert: the portfolio for those who follow many satsningar, and the personal start.
        let landed = browser.client.current_url().await.unwrap();
        assert_eq!(landed.path(), app::auth::start_page(&[role]), "{email}");
        browser.open_hydrated(&format!("{}/", app.address)).await;
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
            browser.submit_main_form().await;
            browser
                .client
                .find(Locator::Css(".error-summary"))
                .await
                .unwrap();
            browser.assert_accessible("ny användare med fel").await;
        }

        // Log out.
        browser.open_hydrated(&app.address).await;
        browser
            .click_and_wait_for_page("form[action='/logga-ut'] button")
            .await;
        let notice = browser.client.find(Locator::Css("p.notice")).await.unwrap();
        assert_eq!(notice.text().await.unwrap(), "Du är utloggad.");
    }
    browser.client.clone().close().await.unwrap();
}

async fn fill_login(browser: &Browser, email: &str, password: &str) {
    browser.type_into("epost", email).await;
    browser.type_into("losenord", password).await;
    browser.submit_main_form().await;
}

impl Browser {
    /// Saves a screenshot when UTFALL_TEST_SCREENSHOTS names a folder (for a person to look at).
    pub async fn screenshot(&self, name: &str) {
        if let Ok(folder) = std::env::var("UTFALL_TEST_SCREENSHOTS") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(format!("{folder}/{name}.png"), png).unwrap();
        }
    }

    /// Logs a demo account in through the login form.
    pub(crate) async fn login(&self, app: &TestApp, email: &str) {
        self.login_with(app, email, app::demo::DEMO_PASSWORD).await;
    }

    /// Logs in through the login form with the given password.
    pub(crate) async fn login_with(&self, app: &TestApp, email: &str, password: &str) {
        self.open_hydrated(&format!("{}/logga-in", app.address))
            .await;
        fill_login(self, email, password).await;
    }

    async fn submit_main_form(&self) {
        self.click_and_wait_for_page("main form.form button[type=submit]")
            .await;
    }

    /// Clicks what `css` finds.
    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Marks the document shown; [`Browser::same_document`] then tells whether a navigation
    /// happened inside it (client-side routing) rather than by loading a new one.
    async fn mark_document(&self) {
        self.client
            .execute("window.utfallMarker = 1;", vec![])
            .await
            .unwrap();
    }

    async fn same_document(&self) -> bool {
        self.client
            .execute("return window.utfallMarker === 1;", vec![])
            .await
            .unwrap()
            == serde_json::json!(true)
    }

    /// Clicks what `css` finds and waits until the page it leads to is hydrated. The old
    /// page's marker is removed first, so the wait cannot be satisfied by the old page.
    pub async fn click_and_wait_for_page(&self, css: &str) {
        self.client
            .execute(
                "document.body.removeAttribute('data-hydrated'); return true;",
                vec![],
            )
            .await
            .unwrap();
        self.click(css).await;
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("body[data-hydrated='true']"))
            .await
            .unwrap_or_else(|e| panic!("no page after clicking {css}: {e}"));
    }

    /// Sets a date input (typing into Chromium's date widget depends on the locale).
    async fn set_date(&self, id: &str, date: &str) {
        self.client
            .execute(
                "document.getElementById(arguments[0]).value = arguments[1]; return true;",
                vec![json!(id), json!(date)],
            )
            .await
            .unwrap();
    }

    pub(crate) async fn type_into(&self, id: &str, text: &str) {
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }
}

#[tokio::test]
async fn projektledare_registers_a_satsning_through_the_forms() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.login(&app, "projektledare@exempel.se").await;

    // The list, from the main navigation.
    browser
        .client
        .find(Locator::Css("#huvudmeny a[href='/satsningar']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .for_element(Locator::Css("body[data-hydrated='true'] table"))
        .await
        .unwrap();
    browser.assert_accessible("satsningslistan").await;
    browser.screenshot("satsningar").await;

    // Register: first with mistakes, then right.
    browser
        .client
        .find(Locator::LinkText("Registrera satsning"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .for_element(Locator::Css("body[data-hydrated='true'] #initiative-name"))
        .await
        .unwrap();
    browser
        .type_into("initiative-name", "Rörelseglädje i Varberga")
        .await;
    browser.set_date("initiative-start", "2027-01-01").await;
    browser.set_date("initiative-end", "2026-01-01").await;
    browser.submit_main_form().await;
    let summary = browser
        .client
        .find(Locator::Css(".error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("Slutdatum måste vara efter startdatum."),
        "{summary}"
    );
    assert!(summary.contains("minst två nämnder"), "{summary}");
    let kept = browser
        .client
        .find(Locator::Id("initiative-name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Rörelseglädje i Varberga"));
    browser
        .assert_accessible("satsningsformuläret med fel")
        .await;
    browser.screenshot("satsning-fel").await;

    browser.set_date("initiative-end", "2029-12-31").await;
    for name in [
        "Förvaltningen förskola och skola",
        "Kultur- och fritidsförvaltningen",
    ] {
        let labels = browser
            .client
            .find_all(Locator::Css("fieldset#initiative-parties label"))
            .await
            .unwrap();
        for label in labels {
            if label.text().await.unwrap().starts_with(name) {
                label.click().await.unwrap();
            }
        }
    }
    browser.submit_main_form().await;

    // The new satsning's page.
    let heading = browser
        .client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Rörelseglädje i Varberga");
    let notice = browser
        .client
        .find(Locator::Css("p.notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "Satsningen är registrerad.");
    browser.assert_accessible("satsningssidan").await;
    browser.screenshot("satsning").await;

    // Move it to ansökan with the button.
    browser
        .click_and_wait_for_page("ul.transitions button")
        .await;
    let facts = browser
        .client
        .find(Locator::Css("dl.facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(facts.contains("Ansökan"), "{facts}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn schema_pages_are_accessible() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.login(&app, "utvarderare@exempel.se").await;
    let id: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM initiative WHERE name = 'Skolfam'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    browser
        .open_hydrated(&format!("{}/satsningar/{id}/schema", app.address))
        .await;
    let status = browser
        .client
        .find(Locator::Css(".notice.complete"))
        .await
        .unwrap();
    assert_eq!(status.text().await.unwrap(), "Schemat är komplett.");
    browser.assert_accessible("schemaredigeraren").await;
    browser.screenshot("schema").await;

    browser
        .open_hydrated(&format!("{}/satsningar/{id}/schema/tabell", app.address))
        .await;
    browser.assert_accessible("sexkolumnsvyn").await;
    browser.screenshot("schema-tabell").await;

    let activity: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT MIN(a.id) FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    browser
        .open_hydrated(&format!(
            "{}/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}",
            app.address
        ))
        .await;
    browser.submit_main_form().await;
    let summary = browser
        .client
        .find(Locator::Css(".error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The code is suggested (the next free E-code), so the missing name is what is asked for.
    assert!(summary.contains("Ange måttets namn"), "{summary}");
    browser.assert_accessible("nytt mått med fel").await;

    // The reporting pages as the evaluation team sees them, and the registers.
    let laxhjalp = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let locked = app::report::Period::of(app::sv::time::local_date(chrono::Utc::now()))
        .prev()
        .prev();
    for (path, what) in [
        ("/rapportering".to_string(), "rapporteringsöversikten"),
        (
            format!("/satsningar/{laxhjalp}/rapportera/{locked}"),
            "låst månad med rättelse",
        ),
        (
            format!("/satsningar/{laxhjalp}/rapportera/{locked}/historik"),
            "värdehistoriken",
        ),
        (format!("/satsningar/{laxhjalp}/import"), "importsidan"),
        (format!("/satsningar/{laxhjalp}"), "satsningssidan"),
        ("/parter".to_string(), "partsregistret"),
        ("/oversikt".to_string(), "portföljöversikten"),
        ("/indikatorer".to_string(), "jämförelsevärdena"),
    ] {
        browser
            .open_hydrated(&format!("{}{path}", app.address))
            .await;
        browser.assert_accessible(what).await;
    }
    // After hydration the dashboards still show their charts and rows.
    let satsning = format!("{}/satsningar/{laxhjalp}", app.address);
    browser.open_hydrated(&satsning).await;
    let charts = browser
        .client
        .find_all(Locator::Css("figure.chart-card svg[role=img]"))
        .await
        .unwrap();
    assert!(
        charts.len() >= 3,
        "charts on the satsning page: {}",
        charts.len()
    );
    browser.screenshot("satsning-diagram").await;

    // Client-side navigation on the satsning page (aktivitetsmått as running totals): the new
    // SVGs come from the server function, since the page's hydration data carries none.
    browser.mark_document().await;
    browser.click("a[href='?kumulativ=1#resultat']").await;
    let mut cumulative = serde_json::json!(0);
    for _ in 0..100 {
        cumulative = browser
            .client
            .execute(
                "return Array.from(document.querySelectorAll(\
                 'figure.chart-card svg[role=img] title')).filter(t => \
                 t.textContent.includes('(kumulativt)')).length;",
                vec![],
            )
            .await
            .unwrap();
        if cumulative.as_u64().is_some_and(|n| n > 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        cumulative.as_u64().is_some_and(|n| n > 0),
        "cumulative charts drawn after navigating: {cumulative}"
    );
    assert!(browser.same_document().await, "navigated without reloading");
    let charts_after = browser
        .client
        .find_all(Locator::Css("figure.chart-card svg[role=img]"))
        .await
        .unwrap();
    assert_eq!(charts_after.len(), charts.len(), "every chart drawn again");

    // Every satsning ("Alla"); the bare address shows the ongoing ones, problems first.
    browser
        .open_hydrated(&format!("{}/oversikt?status=", app.address))
        .await;
    let all = browser
        .client
        .find_all(Locator::Css("tr[data-light]"))
        .await
        .unwrap();
    assert!(all.len() >= 10, "portfolio rows: {}", all.len());
    browser.screenshot("oversikt").await;
    browser
        .open_hydrated(&format!("{}/oversikt", app.address))
        .await;
    let rows = browser
        .client
        .find_all(Locator::Css("tr[data-light]"))
        .await
        .unwrap();
    assert!(
        !rows.is_empty() && rows.len() < all.len(),
        "the ongoing ones: {}",
        rows.len()
    );

    // Client-side navigation to the portfolio (the rows come as ready HTML in the data): a
    // marker on `window` survives only if the router did not load a new document.
    browser.open_hydrated(&satsning).await;
    browser.mark_document().await;
    browser.click("header a[href='/oversikt']").await;
    browser
        .client
        .wait()
        .for_element(Locator::Css("tr[data-light]"))
        .await
        .unwrap();
    let rows_after = browser
        .client
        .find_all(Locator::Css("tr[data-light]"))
        .await
        .unwrap();
    assert_eq!(
        rows_after.len(),
        rows.len(),
        "the same rows after navigating"
    );
    assert!(browser.same_document().await, "navigated without reloading");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn lead_builds_a_small_schema_in_the_browser_and_sees_it_in_six_columns() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.login(&app, "projektledare@exempel.se").await;
    let id: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM initiative WHERE status = 'ide'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let schema = format!("{}/satsningar/{id}/schema", app.address);

    // A goal, then an activity for it.
    browser.open_hydrated(&schema).await;
    browser
        .type_into("mal", "Fler familjer får stöd tidigt")
        .await;
    browser.type_into("malgrupp", "Familjer med små barn").await;
    browser
        .click_and_wait_for_page("form:has(input[name=mal]) button[type=submit]")
        .await;
    let field = browser
        .client
        .find(Locator::Css("input[name=aktivitet]"))
        .await
        .unwrap();
    field
        .send_keys("Hembesök av familjebehandlare")
        .await
        .unwrap();
    browser
        .click_and_wait_for_page("form:has(input[name=aktivitet]) button[type=submit]")
        .await;

    // An effektmått through its own form.
    // (A link inside the app navigates client-side: wait for the new form, not a reload.)
    browser
        .client
        .find(Locator::Css("a[href*='typ=effekt']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .for_element(Locator::Css("input#measure-code"))
        .await
        .unwrap();
    browser.type_into("measure-code", "E1").await;
    browser
        .type_into("measure-name", "Familjer som fått hembesök inom två veckor")
        .await;
    browser.type_into("measure-unit", "%").await;
    browser.submit_main_form().await;
    let summary = browser
        .client
        .find(Locator::Css(".notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(summary, "Sparat.");
    browser.assert_accessible("schemat under uppbyggnad").await;

    // The six-column view shows it.
    browser.open_hydrated(&format!("{schema}/tabell")).await;
    let table = browser
        .client
        .find(Locator::Css("table.schema-table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(table.contains("Fler familjer får stöd tidigt"), "{table}");
    assert!(table.contains("Hembesök av familjebehandlare"));
    assert!(table.contains("E1 Familjer som fått hembesök inom två veckor"));
    browser
        .assert_accessible("sexkolumnsvyn med nytt schema")
        .await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn lead_fills_a_month_and_sees_it_reported_in_the_calendar() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.login(&app, "projektledare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let month = app::report::Period::of(app::sv::time::local_date(chrono::Utc::now()));
    let a1: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM measure WHERE initiative_id = $1 AND code = 'A1'")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let e1: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM measure WHERE initiative_id = $1 AND code = 'E1'")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let fill = |measure: i64, text: &'static str| {
        let client = browser.client.clone();
        async move {
            let css = format!("input[name='v[m{measure}]']");
            let field = client.find(Locator::Css(&css)).await.unwrap();
            field.clear().await.unwrap();
            field.send_keys(text).await.unwrap();
        }
    };

    // The calendar links to this month's form.
    browser
        .open_hydrated(&format!("{}/satsningar/{id}/rapportera", app.address))
        .await;
    browser.assert_accessible("rapporteringskalendern").await;
    // (A link inside the app navigates client-side: wait for the form, not a reload.)
    browser
        .client
        .find(Locator::Css(&format!(
            ".month-grid a[href$='/rapportera/{month}']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("button[value=inrapportera]"))
        .await
        .unwrap();
    browser.assert_accessible("månadsrapporten").await;

    // A wrong value is caught with the typed text kept; then the month is completed.
    fill(a1, "12,5").await;
    fill(e1, "64").await;
    // With JavaScript the value is checked when the field is left.
    let inline = browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(&format!("p#v-m{a1}-fel")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(inline.contains("Antal är ett heltal"), "{inline}");
    browser
        .click_and_wait_for_page("button[value=inrapportera]")
        .await;
    let error = browser
        .client
        .find(Locator::Css(".error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(error.contains("Antal är ett heltal"), "{error}");
    browser.assert_accessible("månadsrapport med fel").await;
    fill(a1, "14").await;
    browser
        .click_and_wait_for_page("button[value=inrapportera]")
        .await;
    let notice = browser
        .client
        .find(Locator::Css(".notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains("markerad som inrapporterad"), "{notice}");
    browser.screenshot("manadsrapport").await;

    // Back in the calendar the month says so.
    browser
        .open_hydrated(&format!("{}/satsningar/{id}/rapportera", app.address))
        .await;
    let link = browser
        .client
        .find(Locator::Css(&format!(
            ".month-grid a[href$='/rapportera/{month}']"
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(link.ends_with("Inrapporterad"), "{link}");
    browser.client.clone().close().await.unwrap();
}

/// The tick labels of every chart on the satsning page as rendered: (font size in CSS px,
/// computed font family), and the window's inner width.
async fn rendered_chart_labels(browser: &Browser) -> (f64, Vec<(f64, String)>) {
    let measured = browser
        .client
        .execute(
            "const labels = Array.from(document.querySelectorAll('figure.chart-card svg[role=img]')).map(svg => {\
               const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;\
               const tick = svg.querySelector('text.chart-tick');\
               return [parseFloat(tick.getAttribute('font-size')) * scale, getComputedStyle(tick).fontFamily];\
             });\
             return [window.innerWidth, labels];",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(measured).unwrap()
}

#[tokio::test]
async fn chart_labels_stay_readable_on_a_phone_and_a_desktop() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = demo_app().await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.login(&app, "lasare@exempel.se").await;
    let laxhjalp = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let satsning = format!("{}/satsningar/{laxhjalp}", app.address);

    for (window, smallest) in [(1280, 14.0), (360, 12.0), (320, 12.0)] {
        // Act
        browser.client.set_window_size(window, 900).await.unwrap();
        browser.open_hydrated(&satsning).await;
        let (inner, labels) = rendered_chart_labels(&browser).await;

        // Assert: every chart's labels between 12 and 14 px, in a sans-serif.
        assert!(labels.len() >= 3, "charts at {inner} px: {}", labels.len());
        for (size, family) in &labels {
            assert!(
                (smallest - 0.01..=14.01).contains(size),
                "labels of {size:.1} px in a {inner} px window"
            );
            assert!(family.ends_with("sans-serif"), "{family}");
        }
    }
    browser.screenshot("satsning-diagram-mobil").await;
    browser.client.clone().close().await.unwrap();
}
