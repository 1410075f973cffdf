//! Dashboards: the satsning page's charts (parsed, not snapshotted), the portfolio with its
//! lights, filters and totals, and who sees what.

use app::form::ACTION_FIELD;
use app::report::api::SaveReport;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_demo_app};

const LAXHJALP: &str = "Läxhjälp i Vivalla (fiktiv)";

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

/// The `<svg>…</svg>` that follows `<title id="{id}-titel">`.
fn svg_with_title<'a>(html: &'a str, id: &str) -> &'a str {
    let title = html
        .find(&format!("<title id=\"{id}-titel\">"))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let start = html[..title].rfind("<svg").unwrap();
    let end = html[start..].find("</svg>").unwrap() + start + 6;
    &html[start..end]
}

#[tokio::test]
async fn the_satsning_page_draws_each_measure_with_its_target_line_and_table() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let e1 = measure_id(&app, id, "E1").await;
    let a1 = measure_id(&app, id, "A1").await;
    let reported: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM measure_value WHERE measure_id = $1 AND value IS NOT NULL",
        )
        .bind(e1)
        .fetch_one(pool)
        .await
        .unwrap()
    });

    // Act
    let page = reader.get(&format!("/satsningar/{id}")).await;

    // Assert
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Resultat"));
    let svg = svg_with_title(&html, &format!("diagram-{e1}"));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains(&format!(
        "aria-labelledby=\"diagram-{e1}-titel diagram-{e1}-beskrivning\""
    )));
    assert!(svg.contains("<desc id="), "text alternative");
    // The actual series: one marker per reported month, in the palette's blue (a month
    // without a value breaks the line into segments, each with its own group of markers).
    let markers: usize = svg
        .split("<g stroke-width=\"2\" stroke=\"#0072B2\" fill=\"#FFFFFF\">")
        .skip(1)
        .map(|group| {
            group
                .split("</g>")
                .next()
                .unwrap()
                .matches("<circle")
                .count()
        })
        .sum();
    assert_eq!(markers as i64, reported);
    let segments = svg.matches("fill=\"none\" stroke=\"#0072B2\"").count();
    assert!(segments >= 2, "the unreported month is a gap, not a zero");
    // The target line: dashed, in the palette's orange; the legend names it.
    assert!(svg.contains("stroke=\"#D55E00\""));
    assert!(svg.contains("stroke-dasharray=\"6,4\""));
    assert!(svg.contains("Målkurva"));
    // No inline style: the CSP allows none.
    assert!(!svg.contains("style="));
    // Bars for the aktivitetsmått; every chart has its table alternative.
    assert!(svg_with_title(&html, &format!("diagram-{a1}")).contains("<rect"));
    assert!(html.matches("Visa som tabell").count() >= 2);
    // An indicator without values or target is said to be so, not drawn as zero.
    let unga = app
        .initiative_id("Tidigt stöd för unga vuxna (fiktiv)")
        .await;
    let html = reader
        .get(&format!("/satsningar/{unga}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Inget att rita ännu"));
    assert!(html.contains("Ingen jämförelse: ange indikatorns Kolada-KPI"));
}

async fn upload_kolada(user: &TestApp, name: &str, bytes: &[u8]) -> reqwest::Response {
    use reqwest::multipart::{Form, Part};
    let form = Form::new().part(
        "fil",
        Part::bytes(bytes.to_vec()).file_name(name.to_string()),
    );
    user.client
        .post(format!("{}/indikatorer/fil", user.address))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn kolada_count(app: &TestApp) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM indicator_value")
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

#[tokio::test]
async fn kolada_values_are_imported_and_the_indicator_is_compared() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let before = kolada_count(&app).await;

    // A bad file: every bad row named, nothing saved.
    let bad = upload_kolada(
        &evaluator,
        "fel.csv",
        b"kpi;municipality;period;gender;value
X00001;1880;2026;T;70
kpi1;1880;2026;T;1
X00001;18;2026;T;1
",
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Inget importerades: 2 rader är fel."));
    assert!(html.contains("Rad 3:") && html.contains("Rad 4:"));
    assert_eq!(kolada_count(&app).await, before);

    // Act: Kolada's own JSON shape.
    let json = br#"{"values":[
        {"kpi":"X00001","municipality":"1880","period":2026,"values":[{"gender":"T","value":74.5},{"gender":"K","value":76.0}]},
        {"kpi":"X00001","municipality":"0000","period":2026,"values":[{"gender":"T","value":81.2}]}]}"#;
    let ok = upload_kolada(&evaluator, "kolada.json", json).await;

    // Assert
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()["location"], "/indikatorer?importerade=3");
    assert_eq!(kolada_count(&app).await, before + 3);
    let page = evaluator.get("/indikatorer").await.text().await.unwrap();
    assert!(page.contains("X00001") && page.contains("2021–2026"));
    // The satsning page compares its indicator with kommun, län and riket.
    let id = app.initiative_id(LAXHJALP).await;
    let i1 = measure_id(&app, id, "I1").await;
    let html = evaluator
        .get(&format!("/satsningar/{id}"))
        .await
        .text()
        .await
        .unwrap();
    // Titled by the KPI's name, its lines named by level (the demo's stored names).
    assert!(html.contains("Jämförelse: Behörighet till gymnasiet (påhittat exempel)"));
    let svg = svg_with_title(&html, &format!("jamforelse-{i1}"));
    assert!(svg.contains(&format!(
        "<title id=\"jamforelse-{i1}-titel\">Behörighet till gymnasiet (påhittat exempel)</title>"
    )));
    for level in [
        "Satsningens målgrupp",
        ">Örebro<",
        ">Örebro län<",
        ">Riket<",
    ] {
        assert!(svg.contains(level), "{level}");
    }
    assert!(!svg.contains(">Kommunen<") && !svg.contains(">1880<"));
    assert!(
        html.contains("<td class=\"num\">81,2</td>"),
        "riket 2026 in the table"
    );
    assert!(html.contains("E1: Samma riktning") || html.contains("E1: Olika riktning"));

    // Kolada's list of municipalities renames a level; a bad list saves nothing.
    let bad = upload_kolada(
        &evaluator,
        "kommuner.json",
        r#"{"values":[{"id":"18","title":"Örebro"}]}"#.as_bytes(),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("Rad 1:"));
    let names = upload_kolada(
        &evaluator,
        "kommuner.json",
        r#"{"count":1,"values":[{"id":"0018","title":"Region Örebro län","type":"L"}]}"#.as_bytes(),
    )
    .await;
    assert_eq!(names.status(), StatusCode::SEE_OTHER);
    assert_eq!(names.headers()["location"], "/indikatorer?namn=1");
    let html = evaluator
        .get(&format!("/satsningar/{id}"))
        .await
        .text()
        .await
        .unwrap();
    let svg = svg_with_title(&html, &format!("jamforelse-{i1}"));
    assert!(svg.contains(">Region Örebro län<") && !svg.contains(">Örebro län<"));

    // Only admin and utvärderare import.
    let lead = app.as_user("projektledare@exempel.se").await;
    assert_eq!(
        upload_kolada(&lead, "kolada.json", json).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_satsning_without_values_says_so() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let idea = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let html = lead
        .get(&format!("/satsningar/{idea}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Schemat har inga mått ännu."));
    assert!(!html.contains("<svg role") && !html.contains("diagram-"));
}

#[tokio::test]
async fn the_portfolio_shows_what_each_role_may_see_with_lights_and_filters() {
    let app = spawn_demo_app().await;
    let total: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM initiative")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let rows = |html: &str| html.matches("<tr data-light=").count() as i64;

    let reader = app.as_user("lasare@exempel.se").await;
    // "Alla" (an empty status) shows every satsning; the bare address puts problems first
    // (see the_portfolio_puts_problems_first).
    let page = reader.get("/oversikt?status=").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert_eq!(rows(&html), total);
    assert!(html.contains(&format!("{total} satsningar")));
    assert!(html.contains("beslutade medel"));
    assert!(html.contains(LAXHJALP));

    // The projektledare sees only the satsningar they lead.
    let lead = app.as_user("projektledare@exempel.se").await;
    let html = lead.get("/oversikt?status=").await.text().await.unwrap();
    let led: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM initiative_lead l JOIN user_account u ON u.id = l.user_id
             WHERE u.email_key = 'projektledare@exempel.se'",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert_eq!(rows(&html), led);
    assert!(!html.contains("Skolfam"));
    // Sections are kept per viewer and filter: the reader's second view is still everything,
    // and the projektledare's second view still only theirs.
    let again = reader.get("/oversikt?status=").await.text().await.unwrap();
    assert_eq!(rows(&again), total);
    let again = lead.get("/oversikt?status=").await.text().await.unwrap();
    assert_eq!(rows(&again), led);

    // Each light filter shows exactly the rows with that light, and they add up.
    let mut seen = 0;
    for light in ["rod", "gul", "gron", "ingen"] {
        let html = reader
            .get(&format!("/oversikt?ljus={light}"))
            .await
            .text()
            .await
            .unwrap();
        let shown = rows(&html);
        assert_eq!(
            html.matches(&format!("<tr data-light=\"{light}\"")).count() as i64,
            shown,
            "{light}"
        );
        seen += shown;
    }
    assert_eq!(seen, total);
    // Status filter and sorting by light (worst first).
    let running = reader
        .get("/oversikt?status=pagaende&sortera=ljus")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&running), 2);
    assert!(running.contains(LAXHJALP) && running.contains("Tidigt stöd för unga vuxna"));
    // The running satsningar report, so their row shows the last months.
    assert!(running.contains("inrapporterat"));
    // The month symbols are hidden from screen readers; the link says the months in words.
    assert!(running.contains("<span class=\"visually-hidden\">Rapportering: "));
    assert!(!running.contains("<span aria-hidden=\"true\">🔒"));
    // Unknown filter values are ignored rather than failing.
    assert_eq!(
        reader.get("/oversikt?ljus=lila&part=x").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn activity_bars_can_be_cumulative_and_the_schema_shows_latest_values() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let a1 = measure_id(&app, id, "A1").await;
    let per_period = reader
        .get(&format!("/satsningar/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(per_period.contains("Visa aktivitetsmåtten kumulativt"));
    let cumulative = reader
        .get(&format!("/satsningar/{id}?kumulativ=1"))
        .await
        .text()
        .await
        .unwrap();
    let svg = svg_with_title(&cumulative, &format!("diagram-{a1}"));
    assert!(svg.contains("A1 Deltagartillfällen (kumulativt)"));
    assert!(cumulative.contains("Visa aktivitetsmåtten per period"));

    // The schema table: the latest value with its light and a sparkline.
    let schema = reader
        .get(&format!("/satsningar/{id}/schema"))
        .await
        .text()
        .await
        .unwrap();
    assert!(schema.contains("Senaste värde"));
    assert!(schema.contains("class=\"sparkline\""));
    assert!(schema.contains("class=\"light light-"));
}

#[tokio::test]
async fn the_portfolio_puts_problems_first() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let html = reader.get("/oversikt").await.text().await.unwrap();
    // Only the ongoing satsningar, the filters saying so.
    let lights: Vec<&str> = html
        .split("<tr data-light=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    let running = html.matches("<span class=\"hint\">Pågående").count();
    assert_eq!(lights.len(), running, "only ongoing satsningar");
    assert!(html.contains("<option value=\"pagaende\" selected"));
    assert!(html.contains("<option value=\"ljus\" selected"));
    // Worst light first.
    let rank = |l: &str| {
        ["rod", "gul", "gron", "ingen"]
            .iter()
            .position(|x| *x == l)
            .unwrap()
    };
    let ranks: Vec<usize> = lights.iter().map(|l| rank(l)).collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "worst first: {lights:?}"
    );
    // The light counts are links to exactly those rows, keeping the other filters.
    assert!(html.contains(
        "href=\"/oversikt?status=pagaende&amp;part=&amp;projektledare=&amp;ljus=rod&amp;sortera=ljus&amp;uppfoljning=\""
    ));
    // Each item needing attention states its numbers and rule (the demo's red satsning has
    // ended, so look at all of them).
    let html = reader.get("/oversikt?status=").await.text().await.unwrap();
    let at = html
        .find("<ul class=\"cell-list\"><li><span class=\"light light-")
        .expect("the demo has a measure needing attention");
    let item = &html[at..at + html[at..].find("</li>").unwrap()];
    assert!(
        item.contains(" mot målkurvan ") && item.contains(" tolerans"),
        "{item}"
    );
    assert!(
        html.contains("förfallna månader)"),
        "completeness counts the months due"
    );
}

/// The Läxhjälp row of the portfolio as `reader` sees it on `app`.
async fn laxhjalp_row(reader: &TestApp) -> String {
    let html = reader.get("/oversikt").await.text().await.unwrap();
    let at = html.find(LAXHJALP).expect("Läxhjälp in the portfolio");
    let start = html[..at].rfind("<tr").unwrap();
    let end = html[at..].find("</tr>").unwrap() + at;
    html[start..end].to_string()
}

/// The portfolio is computed once per organisation and kept between requests; a change must
/// still show on the next request — on every instance, whichever way it was written. `a` and
/// `b` are two app instances on one database (or the same instance twice).
async fn portfolio_follows_changes(a: &TestApp, b: &TestApp) {
    let reader = a.as_user("lasare@exempel.se").await;
    let month = app::report::Period::of(app::sv::time::local_date(chrono::Utc::now()));
    let reported = format!("{} inrapporterad", month.label());
    let before = laxhjalp_row(&reader).await;
    assert!(!before.contains(&reported), "{before}");
    assert_eq!(laxhjalp_row(&reader).await, before, "kept snapshot");

    // The projektledare marks this month complete on the other instance.
    let lead = b.as_user("projektledare@exempel.se").await;
    let id = b.initiative_id(LAXHJALP).await;
    let form = lead
        .get(&format!("/satsningar/{id}/rapportera/{month}"))
        .await
        .text()
        .await
        .unwrap();
    let mut fields: Vec<(String, String)> = vec![
        (ACTION_FIELD.into(), SaveReport::PATH.into()),
        ("id".into(), id.to_string()),
        ("manad".into(), month.to_string()),
        ("steg".into(), "inrapportera".into()),
    ];
    for name in form.split("name=\"v[m").skip(1) {
        let measure = &name[..name.find(']').unwrap()];
        fields.push((format!("v[m{measure}]"), String::new()));
        fields.push((format!("k[m{measure}]"), "Inget att rapportera".into()));
    }
    assert!(fields.len() > 4, "the form has measures");
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = lead
        .post_form(&format!("/satsningar/{id}/rapportera/{month}"), &borrowed)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert!(laxhjalp_row(&reader).await.contains(&reported));

    // A write outside the app's own code paths (here: straight SQL) shows as well.
    app::db_write!(&b.db, |pool| {
        sqlx::query("UPDATE initiative SET budget_sek = 7654321 WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap()
    });
    assert!(
        laxhjalp_row(&reader)
            .await
            .contains(&app::sv::number::format_sek(7_654_321))
    );
}

#[tokio::test]
async fn the_portfolio_follows_every_change_at_once() {
    let app = spawn_demo_app().await;
    portfolio_follows_changes(&app, &app).await;
}

#[tokio::test]
async fn the_portfolio_follows_changes_made_on_another_instance_on_postgresql() {
    let Some(url) = crate::helpers::postgres_database().await else {
        return;
    };
    let a = crate::helpers::spawn_app_with(crate::helpers::Backend::Postgres(url.clone()), |c| {
        c.demo = true
    })
    .await;
    let b = crate::helpers::spawn_app_with(crate::helpers::Backend::Postgres(url), |_| {}).await;
    portfolio_follows_changes(&a, &b).await;
}
